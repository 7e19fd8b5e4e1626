"""GET /api/v1/alerts?status=… for operators and supervisors; retrying a dead alert."""

import pytest

from geofence.alerts.models import AlertOutbox, AlertStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(make_message):
    return {
        status: AlertOutbox.objects.create(
            incident_id=n, change="opened", priority=2, message=make_message(n), status=status
        )
        for n, status in enumerate(AlertStatus.values, start=1)
    }


@pytest.mark.parametrize("name", ["carol", "erin"])
def test_operators_and_supervisors_list_alerts_by_status(client_for, alerts, name):
    response = client_for(name).get("/api/v1/alerts", {"status": "dead"})

    assert response.status_code == 200
    assert [row["alert_id"] for row in response.json()["results"]] == [str(alerts["dead"].alert_id)]


@pytest.mark.parametrize("name,code", [(None, 401), ("bob", 403), ("frank", 403), ("dave", 403)])
def test_others_may_not_list_alerts(client_for, alerts, name, code):
    assert client_for(name).get("/api/v1/alerts").status_code == code


def test_unknown_status_filter_is_400(client_for, alerts):
    assert client_for("carol").get("/api/v1/alerts", {"status": "lost"}).status_code == 400


def test_operator_sees_the_message_of_one_alert(client_for, alerts):
    response = client_for("carol").get(f"/api/v1/alerts/{alerts['dead'].alert_id}")

    assert response.json()["message"]["subject"]["name"] == "Testje van Voorbeeld"


def test_retry_makes_a_dead_alert_pending_again(client_for, alerts, settings):
    settings.POLICE_QUEUE_URL = "redis://127.0.0.1:9/0"  # still down: it stays pending, not dead
    response = client_for("carol").post(f"/api/v1/alerts/{alerts['dead'].alert_id}/retry")

    assert response.status_code == 200
    assert response.json()["status"] == "pending"


def test_retry_of_a_published_alert_is_409(client_for, alerts):
    assert client_for("carol").post(f"/api/v1/alerts/{alerts['published'].alert_id}/retry").status_code == 409
