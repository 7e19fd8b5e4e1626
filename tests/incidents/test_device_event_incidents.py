"""Device events: tamper, battery, panic open one incident each; repeats and duplicates open none."""

from datetime import timedelta

from django.utils import timezone

from geofence.alerts.models import AlertOutbox
from geofence.models import DeviceEvent, DeviceStatus, Incident, IncidentState, IncidentType
from geofence.testing import make_ban, make_device, make_protected


def _event(device, ts, type, **extra):
    return {"device": device.device_id, "ts": ts.isoformat(), "type": type, **extra}


def test_strap_tamper_opens_one_incident_and_sets_strap_state(feed):
    ban = make_ban(risk="medium")
    device = make_device(feed.vendor, person=ban.person)
    now = timezone.now()

    answer = feed.events([_event(device, now, "strap_tamper"), _event(device, now, "strap_tamper")])
    feed.events([_event(device, now + timedelta(seconds=5), "strap_tamper")])

    assert answer.status_code == 202 and answer.json()["duplicates"] == 1
    incident = Incident.objects.get()
    assert (incident.type, incident.person, incident.priority) == (IncidentType.STRAP_TAMPER, ban.person, 2)
    assert DeviceStatus.objects.get(device=device).strap_state == "tampered"
    assert AlertOutbox.objects.count() == 1
    assert incident.timeline.filter(action="repeated").count() == 1


def test_panic_button_of_victim_unit_opens_highest_priority_incident(feed):
    victim = make_protected()
    ban = make_ban(protected=[victim], risk="low")
    device = make_device(feed.vendor, protected_person=victim)

    feed.events([_event(device, timezone.now(), "panic_button")])

    incident = Incident.objects.get()
    assert incident.type == IncidentType.PANIC and incident.priority == 1
    assert (incident.protected_person, incident.ban, incident.person) == (victim, ban, ban.person)
    assert AlertOutbox.objects.get().priority == 1


def test_critical_battery_opens_incident_and_charging_closes_it(feed):
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)
    now = timezone.now()

    feed.events([_event(device, now - timedelta(minutes=2), "low_battery", battery_pct=25)])
    assert not Incident.objects.exists()
    feed.events([_event(device, now - timedelta(minutes=1), "low_battery", battery_pct=6)])
    assert Incident.objects.get().type == IncidentType.BATTERY_CRITICAL
    feed.events([_event(device, now, "charging")])

    assert Incident.objects.get().state == IncidentState.CLOSED
    assert DeviceStatus.objects.get(device=device).charging is True


def test_unknown_event_type_is_rejected(feed):
    device = make_device(feed.vendor)
    answer = feed.events([_event(device, timezone.now(), "self_destruct")])
    assert answer.json()["rejected"][0]["reason"] == "unknown_type"
    assert not DeviceEvent.objects.exists()


def test_events_are_processed_once(feed):
    from geofence.incidents.devices import process_events

    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)
    feed.events([_event(device, timezone.now(), "strap_tamper")])

    assert process_events(list(DeviceEvent.objects.values_list("id", flat=True))) == 0
    assert Incident.objects.count() == 1


def test_panic_whose_task_never_reached_a_worker_opens_its_incident_on_the_next_sweep(feed, monkeypatch, settings):
    """The Celery broker lost the task (restarted without persistence): the stored event is applied all the same."""
    from geofence import tasks
    from geofence.feeds import services as feed_services

    victim = make_protected()
    make_ban(protected=[victim])
    device = make_device(feed.vendor, protected_person=victim)
    monkeypatch.setattr(feed_services, "_enqueue_events", lambda event_ids: None)  # queued, then lost
    now = timezone.now()

    assert feed.events([_event(device, now, "panic_button")]).status_code == 202
    assert not Incident.objects.exists()
    tasks.process_due_events(now=now.isoformat())  # too soon: a worker may still be on it
    assert not Incident.objects.exists()
    later = now + timedelta(seconds=settings.DEVICE_EVENT_SWEEP_AFTER_SECONDS + 1)
    tasks.process_due_events(now=later.isoformat())

    assert Incident.objects.get().type == IncidentType.PANIC
    assert AlertOutbox.objects.get().priority == 1
    assert DeviceEvent.objects.get().processed_at is not None
    beat = settings.CELERY_BEAT_SCHEDULE["process-due-events"]
    assert (beat["task"], beat["schedule"]) == ("geofence.tasks.process_due_events", settings.FEED_DUE_CHECK_SECONDS)


def test_event_stored_while_the_broker_is_down_is_answered_202_and_applied_later(feed, monkeypatch, settings):
    from geofence import tasks

    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.process_device_events, "delay", broker_down)
    now = timezone.now()

    answer = feed.events([_event(device, now, "strap_tamper")])

    assert answer.status_code == 202 and answer.json()["accepted"] == 1
    assert not Incident.objects.exists()
    tasks.process_due_events(now=(now + timedelta(seconds=settings.DEVICE_EVENT_SWEEP_AFTER_SECONDS + 1)).isoformat())
    assert Incident.objects.get().type == IncidentType.STRAP_TAMPER
