"""A Celery worker process SIGKILLed in the middle of a delivery: the alert still arrives."""

import os
import signal

import pytest
from django.db import transaction

from geofence.alerts.models import AlertOutbox, AlertStatus
from geofence.alerts.outbox import enqueue_alert
from geofence.alerts.police_queue import PoliceQueue
from tests.alerts.faults import PrivateRedis, Worker, wait_for, worker_env
from tests.services import require_postgres

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_alert_arrives_after_the_delivering_worker_is_killed(private_redis, celery_broker, tmp_path, make_message):
    require_postgres()  # the worker process must see the test's committed rows
    queue_redis = PrivateRedis(tmp_path / "queue")
    (tmp_path / "queue").mkdir()
    queue_redis.start()
    broker_url, queue_url = f"{private_redis.url}/0", f"{queue_redis.url}/0"
    env = worker_env(CELERY_BROKER_URL=broker_url, POLICE_QUEUE_URL=queue_url, ALERT_CLAIM_SECONDS=3)
    worker = Worker(env, tmp_path / "worker.log")
    try:
        worker.wait_ready()
        celery_broker(broker_url)
        queue_redis.pause()  # the police queue hangs: the delivery blocks mid-publish

        with transaction.atomic():
            alert = enqueue_alert(incident_id=77, change="opened", priority=1, message=make_message(77))
        wait_for(lambda: AlertOutbox.objects.get(pk=alert.pk).attempts == 1, 30, what="delivery claimed")
        (child,) = [pid for pid in worker.pool_children()]
        os.kill(child, signal.SIGKILL)
        queue_redis.resume()

        wait_for(lambda: AlertOutbox.objects.get(pk=alert.pk).status == AlertStatus.PUBLISHED, 60, what="published")
        received = PoliceQueue(queue_url).drain(timeout=1.0)
    finally:
        worker.stop()
        queue_redis.resume()
        queue_redis.stop()

    assert received, worker.log()
    assert {r.alert_id for r in received} == {str(alert.alert_id)}  # duplicates only ever with the same id
    assert "WorkerLostError" in worker.log() or "SIGKILL" in worker.log()
