"""Violations are detected whatever the clocks, the arrival order, the zone changes and the operators do."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from geofence.alerts.models import AlertOutbox
from geofence.incidents import zones
from geofence.models import DeviceStatus, Incident, IncidentState, IncidentType, QuarantinedItem
from geofence.monitor import services as monitor
from geofence.testing import HOME, fix, make_ban, make_device, offset


def _subject(feed, **ban):
    ban = make_ban(**ban)
    return ban, make_device(feed.vendor, person=ban.person)


def _zone_incidents(device):
    return list(Incident.objects.filter(device=device, type=IncidentType.ZONE_VIOLATION).order_by("opened_at"))


def test_fix_from_the_future_does_not_blind_the_device(feed):
    _ban, device = _subject(feed)
    now = timezone.now()
    outside = offset(*HOME, 9000)

    feed.positions([fix(device, now + timedelta(seconds=290), *outside)])
    feed.positions([fix(device, now + timedelta(seconds=i), *offset(*HOME, 50)) for i in range(12)])

    incidents = _zone_incidents(device)
    assert len(incidents) == 1
    assert incidents[0].opened_at == now
    assert incidents[0].definite is True


def test_fix_from_the_future_is_judged_when_its_time_comes(feed):
    _ban, device = _subject(feed)
    now = timezone.now()

    feed.positions([fix(device, now + timedelta(seconds=120), *offset(*HOME, 50))])
    assert _zone_incidents(device) == []

    from geofence.incidents.evaluation import evaluate_due_fixes

    evaluate_due_fixes(now=now + timedelta(seconds=130))
    [incident] = _zone_incidents(device)
    assert incident.opened_at == now + timedelta(seconds=120)


def test_batch_of_fixes_from_the_future_only_is_stored_without_an_evaluation_error(feed, caplog):
    _ban, device = _subject(feed)
    ahead = timezone.now() + timedelta(seconds=120)

    with caplog.at_level(logging.ERROR):
        answer = feed.positions([fix(device, ahead, *offset(*HOME, 9000))])

    assert answer.json()["accepted"] == 1
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    status = DeviceStatus.objects.get(device=device)
    assert status.last_fix_at == ahead and status.evaluated_until is None


def test_ban_saved_in_another_process_is_in_force_for_the_next_fix(feed, monkeypatch):
    zones.invalidate()
    zones.current_catalogue()
    held = dict(zones._cache)
    ban, device = _subject(feed)
    # Another web process still holds the catalogue from before the ban: its signals never fired there.
    zones._cache.clear()
    zones._cache.update(held)

    feed.positions([fix(device, timezone.now(), *offset(*HOME, 100))])

    assert len(_zone_incidents(device)) == 1


def test_fix_stored_a_second_before_the_ban_opens_its_incident(feed, django_capture_on_commit_callbacks):
    person_ban = make_ban(centre=offset(*HOME, 80_000))  # an unrelated zone far away
    device = make_device(feed.vendor, person=person_ban.person)
    feed.positions([fix(device, timezone.now() - timedelta(seconds=1), *offset(*HOME, 100))])
    assert _zone_incidents(device) == []

    with django_capture_on_commit_callbacks(execute=True):
        make_ban(person=person_ban.person)

    [incident] = _zone_incidents(device)
    assert incident.definite is True


def test_closing_while_inside_does_not_silence_the_subject(feed, users, settings):
    settings.INCIDENT_REOPEN_GRACE_SECONDS = 30
    _ban, device = _subject(feed)
    start = timezone.now() - timedelta(minutes=5)
    feed.positions([fix(device, start + timedelta(seconds=i * 10), *offset(*HOME, 200)) for i in range(3)])
    [first] = _zone_incidents(device)
    monitor.close(first.pk, users["carol"], first.version, outcome="false_alarm")

    feed.positions([fix(device, start + timedelta(seconds=60), *offset(*HOME, 200))])
    assert len(_zone_incidents(device)) == 1  # within the grace: the operator who just closed is spared
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        feed.positions([fix(device, start + timedelta(seconds=70), *offset(*HOME, 200))])

    incidents = _zone_incidents(device)
    assert [i.state for i in incidents] == [IncidentState.CLOSED, IncidentState.OPEN]
    opened = AlertOutbox.objects.filter(incident_id=incidents[1].pk, change="opened")
    assert opened.count() == 1


def test_suspect_jump_never_sends_an_urgent_definite_alert(feed):
    _ban, device = _subject(feed)
    start = timezone.now() - timedelta(minutes=2)
    far = offset(*HOME, 18_000)
    feed.positions([fix(device, start + timedelta(seconds=i), *far) for i in range(3)])

    feed.positions([fix(device, start + timedelta(seconds=4), *offset(*HOME, 100))])

    [incident] = _zone_incidents(device)
    assert incident.definite is False
    assert incident.details.get("suspect") is True
    assert not AlertOutbox.objects.filter(incident_id=incident.pk, priority__lte=2).exists()
    assert not AlertOutbox.objects.filter(incident_id=incident.pk, message__incident__definite=True).exists()


def test_plausible_fix_confirms_a_suspect_entry(feed):
    _ban, device = _subject(feed)
    start = timezone.now() - timedelta(minutes=2)
    feed.positions([fix(device, start + timedelta(seconds=i), *offset(*HOME, 18_000)) for i in range(3)])
    feed.positions([fix(device, start + timedelta(seconds=4), *offset(*HOME, 100))])

    feed.positions([fix(device, start + timedelta(seconds=14), *offset(*HOME, 120))])

    [incident] = _zone_incidents(device)
    assert incident.definite is True
    assert AlertOutbox.objects.filter(incident_id=incident.pk, priority__lte=2).exists()


def test_incident_opens_at_the_first_inside_fix_even_when_it_arrives_late(feed):
    _ban, device = _subject(feed)
    start = timezone.now() - timedelta(minutes=10)
    track = [fix(device, start + timedelta(seconds=30 * i), *offset(*HOME, 4000)) for i in range(8)]

    feed.positions(track[4:])
    feed.positions(track[:4])

    [incident] = _zone_incidents(device)
    assert incident.opened_at == start
    assert incident.fix_count == 8
    assert incident.details["late"] is True


def test_late_inside_fix_after_the_subject_left_opens_a_late_incident(feed):
    _ban, device = _subject(feed)
    start = timezone.now() - timedelta(minutes=10)
    feed.positions([fix(device, start + timedelta(seconds=60 + 10 * i), *offset(*HOME, 9000)) for i in range(3)])

    feed.positions([fix(device, start, *offset(*HOME, 300))])

    [incident] = _zone_incidents(device)
    assert incident.opened_at == start
    assert incident.details.get("late") is True
    assert AlertOutbox.objects.filter(incident_id=incident.pk, change="opened").count() == 1


def test_conflicting_duplicate_is_quarantined_and_counted_apart(feed):
    _ban, device = _subject(feed, centre=offset(*HOME, 50_000))
    now = timezone.now()
    feed.positions([fix(device, now, *HOME)])

    answer = feed.positions([fix(device, now, *HOME), fix(device, now, *offset(*HOME, 40))])

    body = answer.json()
    assert (body["accepted"], body["duplicates"], body["conflicting_duplicates"]) == (0, 1, 1)
    assert [r["reason"] for r in body["rejected"]] == ["conflicting_duplicate"]
    assert QuarantinedItem.objects.filter(reason="conflicting_duplicate").count() == 1


def test_closed_at_is_never_before_opened_at(db):
    _ban = make_ban()
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.create(
            type=IncidentType.DEVICE_SILENT,
            state=IncidentState.CLOSED,
            opened_at=now,
            closed_at=now - timedelta(seconds=1),
        )


def test_silent_incident_closed_by_an_older_fix_closes_when_it_opened(feed):
    from geofence.incidents.devices import check_silent_devices

    _ban, device = _subject(feed, centre=offset(*HOME, 50_000))
    now = timezone.now()
    feed.positions([fix(device, now - timedelta(minutes=30), *HOME)])
    check_silent_devices(now)
    silent = Incident.objects.get(type=IncidentType.DEVICE_SILENT)

    feed.positions([fix(device, now - timedelta(minutes=20), *HOME)])  # buffered, taken before the incident opened

    silent.refresh_from_db()
    assert silent.state == IncidentState.CLOSED
    assert silent.closed_at == silent.opened_at
