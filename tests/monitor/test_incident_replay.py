"""The incident replay's JSON: fixes with time, speed and accuracy, zone entry and exit, approach pre-alerts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from geofence.models import Fix, Incident, IncidentType
from geofence.testing import offset
from tests.monitor.conftest import HOME

pytestmark = pytest.mark.django_db


def walk(device, distances, start, speed_mps=None):
    """Store one fix a minute at the given distances north of the home."""
    fixes = []
    for i, metres in enumerate(distances):
        at = start + timedelta(minutes=i)
        lat, lon = offset(*HOME, metres, 0)
        fixes.append(
            Fix.objects.create(
                device=device, ts=at, lat=lat, lon=lon, accuracy_m=10 + i, speed_mps=speed_mps, received_at=at
            )
        )
    return fixes


def test_replay_marks_entering_and_leaving_the_zone_and_computes_speed(browser_client, make_incident):
    incident = make_incident()
    start = timezone.now() - timedelta(minutes=30)
    Fix.objects.filter(device=incident.device).delete()
    fixes = walk(incident.device, [5600, 5300, 4700, 4400, 5200], start)
    Incident.objects.filter(pk=incident.pk).update(opened_at=start + timedelta(minutes=2), last_fix=fixes[-1])

    data = browser_client("carol").get(f"/monitor/api/incidents/{incident.pk}/replay/").json()

    assert [f["accuracy_m"] for f in data["fixes"]] == [10, 11, 12, 13, 14]
    assert data["fixes"][0]["speed_kmh"] is None
    assert data["fixes"][1]["speed_kmh"] == pytest.approx(18.0, abs=0.1)  # 300 m in a minute
    assert not data["fixes"][1]["speed_measured"]
    assert [(m["index"], m["kind"]) for m in data["markers"]] == [(2, "enter"), (4, "exit")]
    assert " van " in data["fixes"][0]["place"]


def test_replay_uses_the_devices_own_speed_and_marks_approach_pre_alerts(browser_client, make_incident):
    incident = make_incident()
    start = timezone.now() - timedelta(minutes=20)
    Fix.objects.filter(device=incident.device).delete()
    walk(incident.device, [7000, 6500, 6000], start, speed_mps=5.0)
    Incident.objects.create(
        type=IncidentType.ZONE_APPROACH,
        ban=incident.ban,
        person=incident.person,
        device=incident.device,
        opened_at=start + timedelta(minutes=1, seconds=20),
        state="closed",
        closed_at=start + timedelta(minutes=2),
    )
    Incident.objects.filter(pk=incident.pk).update(opened_at=start + timedelta(minutes=3))

    data = browser_client("carol").get(f"/monitor/api/incidents/{incident.pk}/replay/").json()

    assert [f["speed_kmh"] for f in data["fixes"]] == [18.0, 18.0, 18.0]
    assert all(f["speed_measured"] for f in data["fixes"])
    assert [(m["index"], m["kind"]) for m in data["markers"]] == [(1, "approach")]


def test_replay_of_an_unknown_incident_is_404_and_needs_the_monitor_role(browser_client):
    assert browser_client("carol").get("/monitor/api/incidents/999999/replay/").status_code == 404
    assert browser_client("alice").get("/monitor/api/incidents/999999/replay/").status_code == 403
