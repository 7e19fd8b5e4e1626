"""POST /api/v1/alerts/{alert_id}/ack: police dispatch only, idempotent, 409 on a different outcome."""

import pytest

from geofence.alerts.models import AlertOutbox, AlertStatus
from registry.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(make_message):
    return AlertOutbox.objects.create(
        incident_id=9, change="opened", priority=1, message=make_message(9), status=AlertStatus.PUBLISHED
    )


def ack(client, alert, outcome="officer_sent", note=""):
    return client.post(f"/api/v1/alerts/{alert.alert_id}/ack", {"outcome": outcome, "note": note}, format="json")


def test_anonymous_gets_401(client_for, alert):
    assert ack(client_for(None), alert).status_code == 401


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "dave", "erin"])
def test_roles_other_than_police_dispatch_get_403(client_for, alert, name):
    assert ack(client_for(name), alert).status_code == 403


def test_dispatch_records_outcome_and_audit_entry(client_for, alert):
    response = ack(client_for("frank"), alert, "arrest", "Aangehouden bij de woning")

    assert response.status_code == 200
    assert response.json()["police_outcome"] == "arrest"
    alert.refresh_from_db()
    assert (alert.police_outcome, alert.police_note, alert.acknowledged_by) == (
        "arrest",
        "Aangehouden bij de woning",
        "frank",
    )
    entry = AuditEntry.objects.get(action="alert.acknowledge")
    assert (entry.actor_name, entry.target_id, entry.details["outcome"]) == ("frank", str(alert.pk), "arrest")


def test_repeat_with_same_outcome_is_idempotent(client_for, alert):
    first = ack(client_for("frank"), alert, "no_action")
    second = ack(client_for("frank"), alert, "no_action")

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["acknowledged_at"] == second.json()["acknowledged_at"]
    assert AuditEntry.objects.filter(action="alert.acknowledge").count() == 1


def test_officer_sent_can_be_followed_by_arrest_each_step_with_its_time(client_for, alert):
    ack(client_for("frank"), alert, "officer_sent")
    ack(client_for("frank"), alert, "on_scene")

    response = ack(client_for("frank"), alert, "arrest", "Aangehouden")

    assert response.status_code == 200
    steps = response.json()["police_steps"]
    assert [step["outcome"] for step in steps] == ["officer_sent", "on_scene", "arrest"]
    assert steps[0]["at"] <= steps[1]["at"] <= steps[2]["at"]
    assert response.json()["police_outcome"] == "arrest"
    assert AuditEntry.objects.filter(action="alert.acknowledge").count() == 3


def test_step_back_gets_409_and_keeps_the_later_step(client_for, alert):
    ack(client_for("frank"), alert, "on_scene")

    response = ack(client_for("frank"), alert, "officer_sent")

    assert response.status_code == 409
    assert response.json()["police_outcome"] == "on_scene"


def test_second_result_gets_409_and_keeps_the_first(client_for, alert):
    ack(client_for("frank"), alert, "arrest")

    response = ack(client_for("frank"), alert, "no_action")

    assert response.status_code == 409
    alert.refresh_from_db()
    assert alert.police_outcome == "arrest"


def test_unknown_outcome_is_400_with_field_message(client_for, alert):
    response = ack(client_for("frank"), alert, "shrug")

    assert response.status_code == 400
    assert "outcome" in response.json()


def test_unknown_alert_is_404(client_for):
    url = "/api/v1/alerts/00000000-0000-0000-0000-000000000000/ack"
    assert client_for("frank").post(url, {"outcome": "arrest"}, format="json").status_code == 404


def test_ack_of_a_pending_alert_marks_it_published(client_for, alert):
    AlertOutbox.objects.filter(pk=alert.pk).update(status=AlertStatus.PENDING)

    ack(client_for("frank"), alert)

    alert.refresh_from_db()
    assert alert.status == AlertStatus.PUBLISHED and alert.published_at is not None
