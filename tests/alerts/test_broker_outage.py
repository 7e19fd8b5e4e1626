"""The broker stops while alerts are produced and comes back 30 s later: every alert arrives, each under one id.

Redis here is both the Celery broker and the police queue, with append-only
persistence as in docker-compose. The outage lasts BANWATCH_OUTAGE_SECONDS
(default 30, as in the issue); the worker's retry backoff is shortened so the
test does not wait out production backoff after the broker returns.
"""

import os
import time
from collections import defaultdict

import pytest
from django.db import transaction

from geofence.alerts.models import AlertOutbox, AlertStatus
from geofence.alerts.outbox import enqueue_alert
from geofence.alerts.police_queue import PoliceQueue
from tests.alerts.faults import Worker, wait_for, worker_env
from tests.services import require_postgres

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

OUTAGE_S = float(os.environ.get("BANWATCH_OUTAGE_SECONDS", "30"))


def produce(make_message, incident_ids) -> None:
    for incident_id in incident_ids:
        with transaction.atomic():
            enqueue_alert(incident_id=incident_id, change="opened", priority=1, message=make_message(incident_id))


def test_every_alert_arrives_after_a_broker_outage(private_redis, celery_broker, tmp_path, make_message):
    require_postgres()
    broker_url, queue_url = f"{private_redis.url}/0", f"{private_redis.url}/1"
    env = worker_env(
        CELERY_BROKER_URL=broker_url,
        POLICE_QUEUE_URL=queue_url,
        ALERT_SWEEP_SECONDS=2,
        ALERT_CLAIM_SECONDS=5,
        ALERT_RETRY_BASE_SECONDS=1,
        ALERT_RETRY_MAX_SECONDS=4,
        ALERT_MAX_ATTEMPTS=100,
        CELERY_VISIBILITY_TIMEOUT=120,
        BANWATCH_VAR_DIR=tmp_path,
    )
    worker = Worker(env, tmp_path / "worker.log", beat=True)
    try:
        worker.wait_ready()
        celery_broker(broker_url)
        produce(make_message, range(1, 4))

        private_redis.stop()
        stopped = time.monotonic()
        produce(make_message, range(4, 9))  # the web keeps committing alerts; queueing their tasks fails
        time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - stopped)))
        private_redis.start()
        produce(make_message, range(9, 12))

        everything_published = lambda: not AlertOutbox.objects.exclude(status=AlertStatus.PUBLISHED).exists()  # noqa: E731
        wait_for(everything_published, 90, interval=0.5, what="every alert published")
        received = PoliceQueue(queue_url).drain(timeout=1.0)
        # The same worker process lost the broker and reconnected: it did not exit (and get restarted).
        assert worker.process.poll() is None, worker.log()[-5000:]
        assert "Connection to broker lost" in worker.log()
    finally:
        worker.stop()

    ids_per_incident = defaultdict(set)
    for alert in received:
        ids_per_incident[alert.body["incident"]["id"]].add(alert.alert_id)
    expected = {row.incident_id: {str(row.alert_id)} for row in AlertOutbox.objects.all()}
    assert len(expected) == 11
    assert dict(ids_per_incident) == expected, worker.log()[-5000:]
    assert all(alert.body["alert_id"] == alert.alert_id for alert in received)
