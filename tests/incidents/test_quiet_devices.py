"""Fixes far from every zone skip the tracker, yet the incident state follows event time as before."""

from datetime import timedelta

from django.utils import timezone

from geofence.models import DeviceStatus, Incident, IncidentState, ZoneTrack
from geofence.testing import HOME, fix, make_ban, make_device, offset


def test_far_fixes_leave_no_track_rows_and_move_the_evaluated_time(feed):
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)
    start = timezone.now() - timedelta(minutes=10)

    feed.positions([fix(device, start + timedelta(seconds=i), *offset(*HOME, 12_000)) for i in range(5)])

    assert not ZoneTrack.objects.exists()
    assert not Incident.objects.exists()
    assert DeviceStatus.objects.get(device=device).evaluated_until == start + timedelta(seconds=4)


def test_late_inside_fix_after_quiet_fixes_opens_a_late_incident(feed):
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)
    start = timezone.now() - timedelta(minutes=30)
    at = lambda s: start + timedelta(seconds=s)  # noqa: E731
    feed.positions([fix(device, at(0), *offset(*HOME, 4800))])
    feed.positions([fix(device, at(60 + i), *offset(*HOME, 5400)) for i in range(3)])  # the exit
    feed.positions([fix(device, at(900 + i), *offset(*HOME, 5400)) for i in range(3)])  # quiet: tracker skipped

    feed.positions([fix(device, at(800), *offset(*HOME, 4800))])  # late, between the exit and the quiet fixes

    first, late = Incident.objects.order_by("opened_at")
    assert first.state == IncidentState.CLOSED
    assert (late.state, late.opened_at, late.details["late"]) == (IncidentState.OPEN, at(800), True)
    assert DeviceStatus.objects.get(device=device).evaluated_until == at(902)


def test_entering_after_quiet_fixes_opens_one_incident(feed):
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)
    start = timezone.now() - timedelta(minutes=10)
    feed.positions([fix(device, start + timedelta(seconds=i), *offset(*HOME, 12_000)) for i in range(3)])

    feed.positions([fix(device, start + timedelta(seconds=300 + i), *offset(*HOME, 800)) for i in range(3)])

    assert Incident.objects.filter(state=IncidentState.OPEN).count() == 1
    assert Incident.objects.get().fix_count == 3
