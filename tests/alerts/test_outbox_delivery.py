"""Delivery of outbox rows: one claim per attempt, re-sent after a crash, backoff without end, rollback."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geofence.alerts import services
from geofence.alerts.models import AlertOutbox, AlertStatus, retry_delay
from geofence.alerts.outbox import enqueue_alert
from geofence.alerts.police_queue import PoliceQueue
from geofence.alerts.services import Delivery

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Nothing listens here: a broker that is down.
DOWN = PoliceQueue("redis://127.0.0.1:9/0")


def pending_alert(make_message, incident_id=1) -> AlertOutbox:
    # Written outside on_commit delivery: the test decides when delivery happens.
    return AlertOutbox.objects.create(
        incident_id=incident_id, change="opened", priority=1, message=make_message(incident_id), next_attempt_at=None
    )


def test_only_one_worker_wins_the_claim_of_an_attempt(make_message):
    alert = pending_alert(make_message)
    now, lease = timezone.now(), timedelta(seconds=30)

    first = AlertOutbox.objects.claim(alert.pk, now=now, lease=lease)
    second = AlertOutbox.objects.claim(alert.pk, now=now, lease=lease)

    assert (first, second) == (True, False)
    assert AlertOutbox.objects.get(pk=alert.pk).attempts == 1


def test_a_delivery_claims_reads_and_marks_its_row_in_three_statements(redis_queue_url, make_message):
    # A burst of alerts goes through the workers one by one: each statement more is paid by every alert of it.
    alert = pending_alert(make_message)

    with CaptureQueriesContext(connection) as queries:
        result = services.deliver(alert.pk)

    assert result.outcome == Delivery.PUBLISHED
    assert [r.alert_id for r in PoliceQueue().drain(timeout=0.5)] == [str(alert.alert_id)]
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE", "SELECT", "UPDATE"]
    assert AlertOutbox.objects.get(pk=alert.pk).status == AlertStatus.PUBLISHED


def test_marking_published_keeps_the_row_and_the_object_in_step(make_message):
    alert = pending_alert(make_message)

    alert.mark_published()
    alert.mark_published()  # a duplicate delivery: the first publication time stays

    stored = AlertOutbox.objects.get(pk=alert.pk)
    assert stored.status == alert.status == AlertStatus.PUBLISHED
    assert (alert.published_at, alert.next_attempt_at) == (stored.published_at, None)


def test_crash_between_publish_and_mark_leads_to_republish_with_same_id(redis_queue_url, make_message, settings):
    alert = pending_alert(make_message)
    assert AlertOutbox.objects.claim(alert.pk, now=timezone.now(), lease=timedelta(seconds=30))
    PoliceQueue().publish(alert.message, alert_id=str(alert.alert_id))  # ... and the worker dies here

    assert services.sweep().published == 0  # the lease still runs
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        assert services.sweep().published == 1

    received = PoliceQueue().drain(timeout=0.5)
    assert [r.alert_id for r in received] == [str(alert.alert_id)] * 2
    assert AlertOutbox.objects.get(pk=alert.pk).status == AlertStatus.PUBLISHED


def test_failed_attempt_backs_off_exponentially(make_message, settings):
    settings.ALERT_RETRY_BASE_SECONDS, settings.ALERT_RETRY_MAX_SECONDS = 2, 60
    alert = pending_alert(make_message)

    result = services.deliver(alert.pk, queue=DOWN)

    alert.refresh_from_db()
    assert result.outcome == Delivery.FAILED
    assert alert.status == AlertStatus.PENDING and "OperationalError" in alert.last_error
    assert alert.next_attempt_at > timezone.now() + timedelta(seconds=1)
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 6, 7, 20)] == [2, 4, 8, 60, 60, 60]


def test_alert_is_never_given_up_and_the_sweeper_delivers_it_when_the_queue_returns(
    redis_queue_url, make_message, settings
):
    alert = pending_alert(make_message)
    start = timezone.now()
    for hop in range(50):  # 50 failed attempts over hours of outage
        with time_machine.travel(start + timedelta(minutes=5 * hop)):
            assert services.deliver(alert.pk, queue=DOWN).outcome == Delivery.FAILED

    alert.refresh_from_db()
    assert alert.status == AlertStatus.PENDING and alert.attempts == 50
    with time_machine.travel(start + timedelta(hours=5)):
        assert list(AlertOutbox.objects.delivery_failures()) == [alert]
        assert services.sweep().published == 1  # the queue is back: nobody had to act

    alert.refresh_from_db()
    assert alert.status == AlertStatus.PUBLISHED
    assert [r.alert_id for r in PoliceQueue().drain(timeout=0.5)] == [str(alert.alert_id)]


def test_backoff_is_capped_and_jittered_between_half_and_all_of_the_wait(settings):
    settings.ALERT_RETRY_BASE_SECONDS, settings.ALERT_RETRY_MAX_SECONDS = 2, 60
    waits = [retry_delay(1000, jitter=True).total_seconds() for _ in range(200)]

    assert all(30 <= w <= 60 for w in waits)
    assert len({round(w, 3) for w in waits}) > 100  # spread, not one instant for every process


def test_rolled_back_incident_change_sends_no_alert(redis_queue_url, eager_celery, make_message):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_alert(incident_id=5, change="opened", priority=1, message=make_message(5))
        raise RuntimeError("the incident change fails after the alert was written")

    assert not AlertOutbox.objects.exists()
    assert PoliceQueue().drain(timeout=0.5) == []


def test_eager_publish_failure_leaves_the_alert_for_the_sweeper(eager_celery, make_message, settings):
    settings.POLICE_QUEUE_URL = DOWN.url
    with transaction.atomic():
        alert = enqueue_alert(incident_id=6, change="opened", priority=1, message=make_message(6))

    alert.refresh_from_db()
    assert alert.status == AlertStatus.PENDING and alert.attempts == 1
    assert alert.next_attempt_at > timezone.now()


def test_sweeper_stops_at_the_first_failure_so_the_rest_keep_their_attempts(make_message):
    alerts = [pending_alert(make_message, n) for n in (1, 2, 3)]

    report = services.sweep(queue=DOWN)

    assert (report.published, report.failed) == (0, 1)
    assert sorted(AlertOutbox.objects.filter(pk__in=[a.pk for a in alerts]).values_list("attempts", flat=True)) == [
        0,
        0,
        1,
    ]
