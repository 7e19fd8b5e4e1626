"""A failing evaluation never costs an accepted fix: it is stored, answered 202 and evaluated later."""

from datetime import timedelta

from django.utils import timezone

from config.celery import app as celery_app
from geofence.incidents import evaluation
from geofence.models import DeviceStatus, Fix, Incident
from geofence.testing import HOME, fix, make_ban, make_device, offset


def test_fix_is_kept_when_evaluation_fails_and_the_next_batch_evaluates_it(feed, monkeypatch):
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)
    start = timezone.now() - timedelta(minutes=5)
    celery_app.conf.task_eager_propagates = False  # the worker's retries fail too; the conftest restores it

    def broken(*args, **kwargs):
        raise RuntimeError("engine unavailable")

    monkeypatch.setattr(evaluation, "_track", broken)
    answer = feed.positions([fix(device, start, *offset(*HOME, 900))])

    assert answer.status_code == 202 and answer.json()["accepted"] == 1
    assert Fix.objects.filter(device=device).count() == 1
    assert not Incident.objects.exists()
    assert DeviceStatus.objects.get(device=device).evaluated_until is None

    monkeypatch.undo()
    feed.positions([fix(device, start + timedelta(seconds=30), *offset(*HOME, 800))])

    incident = Incident.objects.get()
    assert incident.opened_at == start
    assert incident.fix_count == 2
