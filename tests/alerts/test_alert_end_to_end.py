"""End to end: an entering fix posted to the feed API yields exactly one schema-valid police message."""

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from geofence.alerts.models import AlertOutbox
from geofence.alerts.police_queue import PoliceQueue
from geofence.alerts.schema import message_errors
from geofence.incidents import zones
from geofence.models import IncidentEvent, IncidentType
from geofence.testing import HOME, fix, make_ban, make_device, make_vendor, offset

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def feed(eager_celery):
    zones.invalidate()
    vendor, key = make_vendor("acme")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    ban = make_ban()
    device = make_device(vendor, person=ban.person)
    return client, device


def post_entry(client, device) -> None:
    start = datetime.now(UTC) - timedelta(minutes=2)
    fixes = [
        fix(device, start, *offset(*HOME, 6000)),
        fix(device, start + timedelta(seconds=90), *offset(*HOME, 2000)),
    ]
    response = client.post("/api/v1/feeds/positions", {"fixes": fixes}, format="json")
    assert response.status_code in (200, 201, 202), response.content


def test_entering_fix_yields_exactly_one_schema_valid_message(police_queue_url, feed):
    client, device = feed

    post_entry(client, device)

    received = PoliceQueue().drain(timeout=1.0)
    assert len(received) == 1, [r.body["incident"] for r in received]
    body = received[0].body
    assert message_errors(body) == []
    assert body["incident"]["type"] == IncidentType.ZONE_VIOLATION and body["incident"]["change"] == "opened"
    assert body["enforcement"]["arrest_possible"] is True
    assert body["subject"]["name"].startswith("Testpersoon Verzonnen")
    assert "proximity" not in body  # no distance to the protected location (docs/need-to-know.md)
    assert body["last_fix"]["lat"] == pytest.approx(offset(*HOME, 2000)[0])  # the entering fix, the subject's own
    assert received[0].alert_id == str(AlertOutbox.objects.get().alert_id)


def test_acknowledgement_is_in_the_incident_history(redis_queue_url, feed, client_for, settings):
    client, device = feed
    post_entry(client, device)
    alert = AlertOutbox.objects.get()

    response = client_for("frank").post(
        f"/api/v1/alerts/{alert.alert_id}/ack", {"outcome": "officer_sent", "note": "Eenheid 12"}, format="json"
    )

    assert response.status_code == 200
    event = IncidentEvent.objects.get(incident_id=alert.incident_id, action="police_acknowledged")
    assert (event.actor_name, event.note, event.details["outcome"]) == ("frank", "Eenheid 12", "officer_sent")
