"""Zone incidents follow the engine's tracker: possible, escalated, closed on exit with hysteresis."""

from datetime import timedelta

from django.utils import timezone

from geofence.alerts.models import AlertOutbox
from geofence.models import Fix, Incident, IncidentState, ZoneTrack
from geofence.testing import HOME, fix, make_ban, make_device, offset


def _setup(feed, **ban):
    ban = make_ban(**ban)
    return ban, make_device(feed.vendor, person=ban.person)


def _changes():
    return list(AlertOutbox.objects.order_by("id").values_list("change", flat=True))


def test_possible_entry_escalates_when_it_becomes_definite(feed):
    ban, device = _setup(feed)
    t = timezone.now() - timedelta(minutes=5)

    feed.positions([fix(device, t, *offset(*HOME, 4997), accuracy_m=10)])
    incident = Incident.objects.get()
    assert (incident.state, incident.definite) == (IncidentState.OPEN, False)

    feed.positions([fix(device, t + timedelta(seconds=30), *offset(*HOME, 4000), accuracy_m=10)])
    incident.refresh_from_db()
    assert (incident.state, incident.definite) == (IncidentState.ESCALATED, True)
    assert incident.version == 2
    assert _changes() == ["opened", "escalated"]


def test_leaving_closes_only_after_three_fixes_beyond_the_margin(feed):
    ban, device = _setup(feed)
    t = timezone.now() - timedelta(minutes=5)
    feed.positions([fix(device, t, *offset(*HOME, 3000))])

    outside = [fix(device, t + timedelta(seconds=30 * i), *offset(*HOME, 5300)) for i in (1, 2)]
    feed.positions(outside)
    assert Incident.objects.get().state == IncidentState.OPEN

    feed.positions([fix(device, t + timedelta(seconds=90), *offset(*HOME, 5300))])
    incident = Incident.objects.get()
    assert incident.state == IncidentState.CLOSED
    assert incident.closed_reason == "exit"
    assert incident.closed_at == t + timedelta(seconds=90)
    assert _changes() == ["opened", "closed"]


def test_jitter_across_boundary_opens_one_incident(feed):
    ban, device = _setup(feed)
    start = timezone.now() - timedelta(minutes=10)
    track = [
        fix(device, start + timedelta(seconds=6 * i), *offset(*HOME, 4990 if i % 2 == 0 else 5010, bearing_deg=90))
        for i in range(100)  # 50 times in and out within 10 minutes
    ]

    for k in range(0, 100, 10):
        feed.positions(track[k : k + 10])

    assert Incident.objects.count() == 1
    assert _changes() == ["opened"]
    assert Incident.objects.get().fix_count == 100


def test_late_fix_is_stored_but_cannot_reopen_a_closed_incident(feed):
    ban, device = _setup(feed)
    t = timezone.now() - timedelta(minutes=5)
    feed.positions([fix(device, t, *offset(*HOME, 3000))])
    feed.positions([fix(device, t + timedelta(seconds=30 * i), *offset(*HOME, 6000)) for i in (1, 2, 3)])
    assert Incident.objects.get().state == IncidentState.CLOSED

    answer = feed.positions([fix(device, t + timedelta(seconds=45), *offset(*HOME, 1000))])

    assert answer.json()["accepted"] == 1
    assert Fix.objects.count() == 5
    assert Incident.objects.count() == 1
    assert Incident.objects.get().state == IncidentState.CLOSED
    assert _changes() == ["opened", "closed"]


def test_fix_outside_the_bans_validity_is_not_judged(feed):
    now = timezone.now()
    ban, device = _setup(feed, valid_from=now - timedelta(minutes=1))
    feed.positions([fix(device, now - timedelta(minutes=2), *offset(*HOME, 100))])
    assert not Incident.objects.exists()
    feed.positions([fix(device, now, *offset(*HOME, 100))])
    assert Incident.objects.count() == 1


def test_fix_belongs_to_the_person_assigned_at_its_time(feed):
    from geofence.models import DeviceAssignment
    from geofence.testing import make_person

    now = timezone.now()
    ban = make_ban()
    device = make_device(feed.vendor)
    DeviceAssignment.objects.create(
        device=device, person=make_person(), valid_from=now - timedelta(hours=2), valid_until=now - timedelta(hours=1)
    )
    DeviceAssignment.objects.create(device=device, person=ban.person, valid_from=now - timedelta(hours=1))

    feed.positions([fix(device, now - timedelta(minutes=90), *offset(*HOME, 100))])
    assert not Incident.objects.exists()  # the earlier wearer has no ban
    feed.positions([fix(device, now - timedelta(minutes=30), *offset(*HOME, 100))])
    assert Incident.objects.get().person == ban.person


def test_approach_opens_a_pre_alert_for_the_centre_only(feed):
    from geofence.alerts.models import AlertOutbox

    ban, device = _setup(feed)
    feed.positions([fix(device, timezone.now(), *offset(*HOME, 6500))])
    incident = Incident.objects.get()
    assert (incident.type, incident.notify_police, incident.details["level"]) == ("zone_approach", False, 1)
    assert not AlertOutbox.objects.exists()
    assert ZoneTrack.objects.get().state["approach_level"] == 1


def test_presence_obligation_left_opens_presence_violation(feed):
    from registry.models import BanKind

    ban, device = _setup(feed, kind=BanKind.PRESENCE, radius_m=200)
    feed.positions([fix(device, timezone.now(), *offset(*HOME, 2000))])
    incident = Incident.objects.get()
    assert incident.type == "presence_violation"
    assert abs(incident.deepest_intrusion_m - 1800) < 1


def test_moving_zone_around_victim_unit(feed):
    from geofence.testing import make_protected

    victim = make_protected()
    ban = make_ban(centre=None, protected=[victim])  # circle around the victim's home...
    subject_device = make_device(feed.vendor, person=ban.person)
    victim_device = make_device(feed.vendor, protected_person=victim)
    far = offset(*HOME, 30_000)  # ...but today she is 30 km away
    now = timezone.now()

    feed.positions([fix(victim_device, now - timedelta(seconds=20), *far)])
    feed.positions([fix(subject_device, now, *offset(*far, 800))])

    incident = Incident.objects.get()
    assert incident.protected_person == victim
    assert abs(incident.closest_distance_m - 800) < 1
