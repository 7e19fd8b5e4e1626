"""GET /api/v1/alerts?status=… for operators and supervisors; retrying and acknowledging undelivered alerts."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from geofence.alerts.models import AlertOutbox, AlertStatus
from geofence.models import Incident, IncidentType
from geofence.testing import make_ban
from registry.models import AuditEntry

pytestmark = pytest.mark.django_db


def _incident_in_carols_region() -> int:
    ban = make_ban()  # geofence.testing.REGION, the region operators of tests/conftest.py work for
    incident = Incident.objects.create(
        type=IncidentType.ZONE_VIOLATION, ban=ban, person=ban.person, opened_at=timezone.now()
    )
    return incident.pk


@pytest.fixture
def alerts(make_message, settings):
    rows = {
        state: AlertOutbox.objects.create(
            incident_id=_incident_in_carols_region(),
            change="opened",
            priority=2,
            message=make_message(n),
            status=status,
        )
        for n, (state, status) in enumerate(
            [("pending", AlertStatus.PENDING), ("undelivered", AlertStatus.PENDING), ("published", "published")],
            start=1,
        )
    }
    old = timezone.now() - timedelta(seconds=settings.ALERT_UNDELIVERED_SECONDS + 5)
    AlertOutbox.objects.filter(pk=rows["undelivered"].pk).update(created_at=old)
    return rows


@pytest.mark.parametrize("name", ["carol", "erin"])
@pytest.mark.parametrize("state", ["pending", "undelivered", "published"])
def test_operators_and_supervisors_list_alerts_by_delivery_state(client_for, alerts, name, state):
    response = client_for(name).get("/api/v1/alerts", {"status": state})

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["alert_id"] for row in rows] == [str(alerts[state].alert_id)]
    assert rows[0]["delivery_state"] == state


@pytest.mark.parametrize("name,code", [(None, 401), ("bob", 403), ("frank", 403), ("dave", 403)])
def test_others_may_not_list_alerts(client_for, alerts, name, code):
    assert client_for(name).get("/api/v1/alerts").status_code == code


def test_unknown_status_filter_is_400(client_for, alerts):
    assert client_for("carol").get("/api/v1/alerts", {"status": "lost"}).status_code == 400


def test_operator_sees_the_message_of_one_alert(client_for, alerts):
    response = client_for("carol").get(f"/api/v1/alerts/{alerts['undelivered'].alert_id}")

    assert response.json()["message"]["subject"]["name"] == "Testje van Voorbeeld"


def test_retry_makes_an_undelivered_alert_due_now_and_it_stays_pending_while_the_queue_is_down(
    client_for, alerts, settings
):
    settings.POLICE_QUEUE_URL = "redis://127.0.0.1:9/0"
    response = client_for("carol").post(f"/api/v1/alerts/{alerts['undelivered'].alert_id}/retry")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["delivery_state"]) == ("pending", "undelivered")
    due_at = datetime.fromisoformat(response.json()["next_attempt_at"])
    assert due_at <= timezone.now()  # due at once: the sweeper takes it if the task is lost
    assert AuditEntry.objects.filter(action="alert.retry").count() == 1


def test_retry_of_a_published_alert_is_409(client_for, alerts):
    assert client_for("carol").post(f"/api/v1/alerts/{alerts['published'].alert_id}/retry").status_code == 409


def test_operator_acknowledges_an_undelivered_alert_once_and_it_leaves_the_failures(client_for, alerts):
    url = f"/api/v1/alerts/{alerts['undelivered'].alert_id}/seen"

    first, second = client_for("carol").post(url), client_for("carol").post(url)

    assert (first.status_code, second.status_code) == (200, 409)
    assert first.json()["undelivered_seen_by"] == "carol"
    assert first.json()["status"] == "pending"  # seen, not given up: still retried
    assert not AlertOutbox.objects.delivery_failures().exists()
    assert AuditEntry.objects.filter(action="alert.undelivered_seen").count() == 1
