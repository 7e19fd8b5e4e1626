"""Replaying a recorded feed twice, shuffled, gives the same incidents as replaying it once in order."""

import random
from datetime import timedelta

from django.utils import timezone

from geofence.alerts.models import AlertOutbox
from geofence.models import Incident
from geofence.testing import HOME, fix, make_ban, make_device, offset

# Distance from the victim's home per minute: approach, possible entry, definite, leave, come back, leave.
PATH = [
    7000,
    6000,
    5400,
    4996,
    4700,
    3500,
    2500,
    2600,
    4100,
    5200,
    5300,
    5400,
    5600,
    4800,
    4300,
    5300,
    5500,
    5700,
    6000,
]


def _recorded_feed(devices, start):
    """Per device, batches of 4 fixes in time order, as a vendor platform would send them."""
    batches = []
    for n, device in enumerate(devices):
        track = [
            fix(device, start + timedelta(seconds=20 * i), *offset(*HOME, d, bearing_deg=40 * n), accuracy_m=8)
            for i, d in enumerate(PATH)
        ]
        batches.append([track[k : k + 4] for k in range(0, len(track), 4)])
    return batches


def _summary(devices):
    rows = []
    for n, device in enumerate(devices):
        for i in Incident.objects.filter(device=device).order_by("opened_at"):
            rows.append(
                (
                    n,
                    i.type,
                    i.state,
                    i.definite,
                    i.opened_at,
                    i.closed_at,
                    i.fix_count,
                    i.closest_distance_m and round(i.closest_distance_m),
                    i.deepest_intrusion_m and round(i.deepest_intrusion_m),
                )
            )
    changes = sorted(
        (devices.index(Incident.objects.get(pk=a.incident_id).device), a.change)
        for a in AlertOutbox.objects.filter(incident_id__in=Incident.objects.filter(device__in=devices))
    )
    return rows, changes


def test_shuffled_double_replay_equals_ordered_replay(feed):
    start = timezone.now() - timedelta(minutes=30)
    ordered = [make_device(feed.vendor, person=make_ban().person) for _ in range(4)]
    shuffled = [make_device(feed.vendor, person=make_ban().person) for _ in range(4)]

    for device_batches in _recorded_feed(ordered, start):
        for batch in device_batches:
            feed.positions(batch)

    rng = random.Random(20260301)
    queues = [list(b) for b in _recorded_feed(shuffled, start)]
    sends = []
    while any(queues):  # devices interleave at random; each device's batches keep their order
        queue = rng.choice([q for q in queues if q])
        batch = queue.pop(0)
        sends.append(rng.sample(batch, len(batch)))
    for batch in sends:
        feed.positions(batch)
    for batch in rng.sample(sends, len(sends)):  # and the whole feed once more, shuffled
        assert feed.positions(rng.sample(batch, len(batch))).json()["accepted"] == 0

    expected = _summary(ordered)
    assert len(expected[0]) == 12  # one approach pre-alert and two episodes for each of the four devices
    assert _summary(shuffled) == expected
