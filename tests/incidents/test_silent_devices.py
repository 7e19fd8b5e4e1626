"""Silent devices open an incident within one check interval; a mass outage opens one incident instead."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings

from geofence.alerts.models import AlertOutbox
from geofence.incidents.devices import check_silent_devices
from geofence.models import DeviceStatus, Incident, IncidentState, IncidentType
from geofence.testing import fix, make_ban, make_device

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
INTERVAL = timedelta(seconds=django_settings.GEOFENCE_SILENT_CHECK_SECONDS)


def test_beat_schedule_runs_the_check_every_interval():
    entry = django_settings.CELERY_BEAT_SCHEDULE["check-silent-devices"]
    assert entry["task"] == "geofence.tasks.check_silent_devices"
    assert entry["schedule"] == INTERVAL.total_seconds()


def test_silent_device_opens_incident_within_one_check_interval(feed):
    ban = make_ban(risk="high")  # silent after 5 minutes
    device = make_device(feed.vendor, person=ban.person)
    with time_machine.travel(T0, tick=False):
        feed.positions([fix(device, T0, 52.5, 5.5)])
    silent_at = T0 + timedelta(minutes=django_settings.GEOFENCE_SILENT_MINUTES["high"])

    with time_machine.travel(silent_at - timedelta(seconds=1), tick=False):
        check_silent_devices()
    assert not Incident.objects.exists()

    with time_machine.travel(silent_at + INTERVAL, tick=False):
        check_silent_devices()
        check_silent_devices()  # the next run adds nothing
    incident = Incident.objects.get()
    assert (incident.type, incident.person, incident.device) == (IncidentType.DEVICE_SILENT, ban.person, device)
    assert AlertOutbox.objects.count() == 1


def test_silence_threshold_follows_risk(feed):
    low = make_ban(risk="low")
    device = make_device(feed.vendor, person=low.person)
    with time_machine.travel(T0, tick=False):
        feed.positions([fix(device, T0, 52.5, 5.5)])
    check_silent_devices(now=T0 + timedelta(minutes=8))
    assert not Incident.objects.exists()
    check_silent_devices(now=T0 + timedelta(minutes=16))
    assert Incident.objects.count() == 1


def test_device_reporting_again_closes_silent_incident(feed):
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)
    with time_machine.travel(T0, tick=False):
        feed.positions([fix(device, T0, 52.5, 5.5)])
    check_silent_devices(now=T0 + timedelta(minutes=20))
    later = T0 + timedelta(minutes=21)
    with time_machine.travel(later, tick=False):
        feed.events([{"device": device.device_id, "ts": later.isoformat(), "type": "heartbeat"}])

    incident = Incident.objects.get()
    assert (incident.state, incident.closed_reason) == (IncidentState.CLOSED, "device_reporting")
    assert DeviceStatus.objects.get(device=device).silent_since is None


@pytest.fixture
def fleet(feed, settings):
    settings.GEOFENCE_MASS_OUTAGE_MIN_DEVICES = 5
    settings.GEOFENCE_MASS_OUTAGE_MIN_SHARE = 0.3
    risks = ["high", "low", "medium"]
    devices = [make_device(feed.vendor, person=make_ban(risk=risks[i % 3]).person) for i in range(12)]
    with time_machine.travel(T0, tick=False):
        feed.positions([fix(d, T0, 52.5, 5.5) for d in devices])
    return devices


def _report(feed, devices, at):
    with time_machine.travel(at, tick=False):
        feed.events([{"device": d.device_id, "ts": at.isoformat(), "type": "heartbeat"} for d in devices])


def test_many_devices_going_silent_open_one_outage_listing_persons_by_risk(feed, fleet):
    _report(feed, fleet[8:], T0 + timedelta(minutes=15))  # four keep reporting

    check_silent_devices(now=T0 + timedelta(minutes=16))

    outage = Incident.objects.get()
    assert (outage.type, outage.vendor) == (IncidentType.MASS_OUTAGE, feed.vendor)
    affected = outage.details["affected"]
    assert {a["device_pk"] for a in affected} == {d.pk for d in fleet[:8]}
    ranks = [{"high": 3, "medium": 2, "low": 1}[a["risk"]] for a in affected]
    assert ranks == sorted(ranks, reverse=True)
    assert AlertOutbox.objects.count() == 1


def test_outage_ends_when_devices_report_and_the_still_silent_get_their_own_incident(feed, fleet):
    _report(feed, fleet[8:], T0 + timedelta(minutes=15))
    check_silent_devices(now=T0 + timedelta(minutes=16))

    _report(feed, fleet[:6] + fleet[8:], T0 + timedelta(minutes=30))  # the network is back for most
    check_silent_devices(now=T0 + timedelta(minutes=31))

    assert Incident.objects.get(type=IncidentType.MASS_OUTAGE).closed_reason == "devices_reporting"
    silent = Incident.objects.active().filter(type=IncidentType.DEVICE_SILENT)
    assert {i.device_id for i in silent} == {fleet[6].pk, fleet[7].pk}


def test_early_individual_silent_incidents_merge_into_the_outage(feed, fleet):
    _report(feed, fleet[2:], T0 + timedelta(minutes=14))
    check_silent_devices(now=T0 + timedelta(minutes=16))  # two silent so far: individual incidents
    assert Incident.objects.filter(type=IncidentType.DEVICE_SILENT).count() == 2

    _report(feed, fleet[8:], T0 + timedelta(minutes=24))
    check_silent_devices(now=T0 + timedelta(minutes=25))  # four more (the high and medium risk ones)

    outage = Incident.objects.get(type=IncidentType.MASS_OUTAGE)
    assert outage.details["count"] == 6
    assert not Incident.objects.active().filter(type=IncidentType.DEVICE_SILENT).exists()
    merged = Incident.objects.filter(type=IncidentType.DEVICE_SILENT, closed_reason="merged_into_outage")
    assert merged.count() == 2

    _report(feed, fleet[8:], T0 + timedelta(minutes=28))
    check_silent_devices(now=T0 + timedelta(minutes=30))  # the low-risk ones join the outage, no incident
    outage.refresh_from_db()
    assert outage.details["count"] == 8
    assert Incident.objects.count() == 3
