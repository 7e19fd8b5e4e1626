"""Refused feed items are kept once per vendor and day, and at most up to the daily cap."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from geofence.models import QuarantinedItem
from geofence.testing import fix


def unknown_items(n: int, at) -> list[dict]:
    return [fix(f"EM-UNKNOWN-{i:05d}", at - timedelta(seconds=i % 60), 52.0, 5.0) for i in range(n)]


def test_same_unknown_device_batch_five_times_is_kept_once(feed, eager_celery):
    items = unknown_items(500, timezone.now())
    for _ in range(5):
        answer = feed.positions(items)
        assert len(answer.json()["rejected"]) == 500
    assert QuarantinedItem.objects.count() == 500


def test_different_items_of_one_device_are_each_kept(feed, eager_celery):
    now = timezone.now()
    feed.positions([fix("EM-UNKNOWN-1", now, 52.0, 5.0), fix("EM-UNKNOWN-1", now, 52.1, 5.0)])
    feed.positions([fix("EM-UNKNOWN-1", now - timedelta(seconds=1), 52.0, 5.0)])
    assert QuarantinedItem.objects.count() == 3


def test_the_next_day_keeps_a_resent_item_again(feed, eager_celery):
    at = timezone.now()
    items = unknown_items(3, at)
    feed.positions(items)
    with time_machine.travel(at + timedelta(days=1)):
        feed.positions(items)
    assert QuarantinedItem.objects.count() == 6


def test_daily_cap_per_vendor_stops_storing_and_logs(feed, other_feed, eager_celery, settings, caplog):
    settings.QUARANTINE_MAX_PER_VENDOR_PER_DAY = 100
    now = timezone.now()
    feed.positions(unknown_items(80, now))
    feed.positions(unknown_items(80, now - timedelta(minutes=5)))
    other_feed.positions(unknown_items(50, now))
    assert QuarantinedItem.objects.filter(vendor=feed.vendor).count() == 100
    assert QuarantinedItem.objects.filter(vendor=other_feed.vendor).count() == 50
    assert "60 refused items not kept" in caplog.text
