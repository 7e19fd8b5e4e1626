"""A scripted violation: an invented subject walks into a 5 km zone and out again, through the real feed API."""

from datetime import timedelta

import pytest
from reports_support import START
from rest_framework.test import APIClient

from geofence.models import Incident
from geofence.testing import HOME, fix, make_ban, make_device, make_protected, make_vendor, offset

# Distances from the protected home, one fix a minute: in at 4,200 m, closest 3,000 m, out at 5,600 m.
WALK_M = [6500, 5600, 4200, 3600, 3000, 3400, 4400, 5600, 6200, 6800]
ACCURACY_M = [8, 8, 12, 10, 15, 9, 8, 11, 8, 8]


@pytest.fixture(autouse=True)
def _in_process(eager_celery):
    """Evaluate fixes in-process (the shared eager_celery fixture)."""


@pytest.fixture
def scripted_incident(db, django_capture_on_commit_callbacks) -> Incident:
    """Post the walk and a low-battery event through the vendor feed; return the incident it opened."""
    vendor, key = make_vendor("acme")
    victim = make_protected()
    ban = make_ban(protected=[victim], valid_from=START - timedelta(days=30))
    device = make_device(vendor, person=ban.person, since=START - timedelta(days=30))
    feed = APIClient()
    feed.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    fixes = [
        fix(device, START + timedelta(minutes=i), *offset(*HOME, d, bearing_deg=45), accuracy_m=a)
        for i, (d, a) in enumerate(zip(WALK_M, ACCURACY_M, strict=True))
    ]
    event = {
        "device": device.device_id,
        "ts": (START + timedelta(minutes=4, seconds=30)).isoformat(),
        "type": "low_battery",
        "battery_pct": 14,
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert feed.post("/api/v1/feeds/positions", {"fixes": fixes}, format="json").status_code == 202
    with django_capture_on_commit_callbacks(execute=True):
        answer = feed.post("/api/v1/feeds/events", {"events": [event]}, format="json")
        assert answer.status_code == 202, answer.content
    return Incident.objects.get(ban=ban, type="zone_violation")
