"""The centre hears of a subject closing in, of a victim's unit going quiet, and of a device's clock running off."""

from datetime import timedelta

from django.utils import timezone

from geofence.alerts.models import AlertOutbox
from geofence.incidents.devices import check_silent_devices
from geofence.models import Incident, IncidentState, IncidentType
from geofence.testing import HOME, fix, make_ban, make_device, make_protected, offset
from registry.models import BanKind


def _distance_ban(feed, radius_m=None, risk="high"):
    victim = make_protected()
    ban = make_ban(kind=BanKind.CONTACT, centre=None, protected=[victim], radius_m=radius_m, risk=risk)
    return ban, make_device(feed.vendor, person=ban.person), make_device(feed.vendor, protected_person=victim)


def test_approach_that_turns_back_closes_the_pre_alert_without_telling_the_police(feed):
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)
    start = timezone.now() - timedelta(minutes=20)
    path = [8000, 6800, 5900, 6900, 7600, 7700, 7800]  # to 900 m from the zone, then away
    feed.positions([fix(device, start + timedelta(seconds=60 * i), *offset(*HOME, d)) for i, d in enumerate(path)])

    [pre_alert] = Incident.objects.all()
    assert pre_alert.type == IncidentType.ZONE_APPROACH
    assert (pre_alert.state, pre_alert.closed_reason) == (IncidentState.CLOSED, "turned_back")
    assert pre_alert.details["level"] == 2
    assert not AlertOutbox.objects.exists()


def test_approach_that_enters_becomes_the_violation(feed):
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)
    start = timezone.now() - timedelta(minutes=20)
    path = [8000, 6800, 5900, 4800, 4500]
    feed.positions([fix(device, start + timedelta(seconds=60 * i), *offset(*HOME, d)) for i, d in enumerate(path)])

    pre_alert = Incident.objects.get(type=IncidentType.ZONE_APPROACH)
    violation = Incident.objects.get(type=IncidentType.ZONE_VIOLATION)
    assert (pre_alert.state, pre_alert.closed_reason) == (IncidentState.CLOSED, "entered")
    assert violation.details["approach_incident"] == pre_alert.pk
    assert list(AlertOutbox.objects.values_list("incident_id", "change")) == [(violation.pk, "opened")]


def test_approach_alerts_reach_the_police_when_configured(feed, settings):
    settings.APPROACH_ALERTS_TO_POLICE = True
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)

    feed.positions([fix(device, timezone.now(), *offset(*HOME, 6500))])

    pre_alert = Incident.objects.get()
    assert AlertOutbox.objects.get().incident_id == pre_alert.pk


def test_victim_unit_going_silent_opens_an_incident_ranked_by_the_ban(feed):
    ban, _subject, victim_unit = _distance_ban(feed, risk="high")
    now = timezone.now()
    feed.positions([fix(victim_unit, now - timedelta(minutes=30), *offset(*HOME, 20_000))])

    check_silent_devices(now)

    incident = Incident.objects.get(type=IncidentType.DEVICE_SILENT, device=victim_unit)
    assert (incident.device, incident.ban, incident.person) == (victim_unit, ban, ban.person)
    assert incident.priority <= 2


def test_distance_ban_without_a_recent_victim_position_interrupts_protection(feed):
    ban, subject, victim_unit = _distance_ban(feed)
    now = timezone.now()
    victim_at = offset(*HOME, 20_000)
    feed.positions([fix(victim_unit, now - timedelta(minutes=20), *victim_at)])

    feed.positions([fix(subject, now - timedelta(seconds=30), *offset(*victim_at, 3000))])

    interrupted = Incident.objects.get(type=IncidentType.PROTECTION_INTERRUPTED)
    assert (interrupted.ban, interrupted.device, interrupted.state) == (ban, subject, IncidentState.OPEN)

    feed.positions([fix(victim_unit, now - timedelta(seconds=10), *victim_at)])
    feed.positions([fix(subject, now, *offset(*victim_at, 7000))])

    interrupted.refresh_from_db()
    assert (interrupted.state, interrupted.closed_reason) == (IncidentState.CLOSED, "restored")


def test_distance_ban_radius_comes_from_the_decision(feed):
    _ban, subject, victim_unit = _distance_ban(feed, radius_m=2000)
    now = timezone.now()
    victim_at = offset(*HOME, 20_000)
    feed.positions([fix(victim_unit, now - timedelta(seconds=20), *victim_at)])

    feed.positions([fix(subject, now - timedelta(seconds=10), *offset(*victim_at, 3000))])
    assert not Incident.objects.filter(type=IncidentType.ZONE_VIOLATION).exists()
    feed.positions([fix(subject, now, *offset(*victim_at, 1900))])

    assert Incident.objects.filter(type=IncidentType.ZONE_VIOLATION).count() == 1


def test_device_clock_running_ahead_opens_a_clock_incident(feed, settings):
    settings.DEVICE_CLOCK_AHEAD_SECONDS, settings.DEVICE_CLOCK_BATCHES = 60, 3
    device = make_device(feed.vendor, person=make_ban(centre=offset(*HOME, 50_000)).person)
    now = timezone.now()

    for n in range(3):
        feed.positions([fix(device, now + timedelta(seconds=200 + n), *HOME)])
        assert Incident.objects.filter(type=IncidentType.CLOCK_SKEW).count() == (1 if n == 2 else 0)

    feed.positions([fix(device, now + timedelta(seconds=230), *HOME)])
    assert Incident.objects.get(type=IncidentType.CLOCK_SKEW).state == IncidentState.OPEN
    feed.positions([fix(device, timezone.now(), *HOME)])  # back in step
    assert Incident.objects.get(type=IncidentType.CLOCK_SKEW).closed_reason == "clock_ok"


def test_buffered_fixes_hours_old_are_not_a_clock_fault(feed):
    devices = [make_device(feed.vendor, person=make_ban(centre=offset(*HOME, 50_000)).person) for _ in range(3)]
    then = timezone.now() - timedelta(hours=3)

    for n in range(4):
        feed.positions([fix(d, then + timedelta(seconds=n), *HOME) for d in devices])

    assert not Incident.objects.filter(type=IncidentType.CLOCK_SKEW).exists()


def test_device_clock_hours_behind_opens_a_clock_incident(feed, settings):
    settings.DEVICE_CLOCK_BEHIND_SECONDS = 3600
    device = make_device(feed.vendor, person=make_ban(centre=offset(*HOME, 50_000)).person)
    then = timezone.now() - timedelta(hours=2)

    for n in range(3):
        feed.positions([fix(device, then + timedelta(seconds=n), *HOME)])

    assert Incident.objects.get(type=IncidentType.CLOCK_SKEW).details["offset_s"] < -7000
