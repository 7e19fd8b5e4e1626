"""The police queue stays down past any retry budget: alerts stay pending, health fails, nobody acts, all arrive.

Two redis-servers of our own: one is the Celery broker (it stays up), the
other the police queue (it goes down). A real worker with beat delivers and
sweeps. While the queue is down the alerts keep being retried; once they are
older than ALERT_UNDELIVERED_SECONDS the operator-scope health answers 503.
When the queue returns, the sweeper delivers every alert with no human
action and health turns green. Timings are shortened (bench/faults.py
--only queue runs the same with a 3- or 10-minute outage).
"""

import time

import pytest
from django.db import transaction

from geofence.alerts.models import AlertOutbox, AlertStatus
from geofence.alerts.outbox import enqueue_alert
from geofence.alerts.police_queue import PoliceQueue
from tests.alerts.faults import PrivateRedis, Worker, port_open, wait_for, worker_env
from tests.services import require_postgres

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

FAST = {
    "ALERT_SWEEP_SECONDS": 2,
    "ALERT_CLAIM_SECONDS": 5,
    "ALERT_RETRY_BASE_SECONDS": 1,
    "ALERT_RETRY_MAX_SECONDS": 4,
    "ALERT_UNDELIVERED_SECONDS": 6,
    "CANARY_SECONDS": 2,
    "CELERY_VISIBILITY_TIMEOUT": 120,
}
# More failed attempts than the old budget gave any alert before it was dropped for good.
ATTEMPTS_PAST_ANY_BUDGET = 6


def redis_on_own_port(workdir, *ports) -> PrivateRedis:
    redis = PrivateRedis(workdir)
    redis.port = next(port for port in ports if not port_open(port))
    redis.start()
    return redis


@pytest.fixture
def two_redis(tmp_path):
    (tmp_path / "broker").mkdir()
    (tmp_path / "queue").mkdir()
    broker = redis_on_own_port(tmp_path / "broker", 18110, 18112, 18114)
    queue = redis_on_own_port(tmp_path / "queue", 18111, 18113, 18115)
    yield broker, queue
    broker.stop()
    queue.stop()


def health(client) -> tuple[int, dict]:
    response = client.get("/api/v1/health")
    return response.status_code, response.json()


def test_queue_down_past_any_retry_budget_every_alert_arrives_without_action_and_health_tells(
    two_redis, celery_broker, tmp_path, make_message, settings, client_for
):
    require_postgres()
    broker, queue = two_redis
    broker_url, queue_url = f"{broker.url}/0", f"{queue.url}/0"
    for name, value in FAST.items():
        setattr(settings, name, value)
    settings.POLICE_QUEUE_URL = queue_url
    worker = Worker(
        worker_env(CELERY_BROKER_URL=broker_url, POLICE_QUEUE_URL=queue_url, BANWATCH_VAR_DIR=tmp_path, **FAST),
        tmp_path / "worker.log",
        beat=True,
    )
    operator = client_for("carol")
    try:
        worker.wait_ready()
        celery_broker(broker_url)
        wait_for(lambda: health(operator)[0] == 200, 30, interval=0.5, what="health green before the outage")

        queue.stop()
        for incident_id in (1, 2, 3):
            with transaction.atomic():
                enqueue_alert(incident_id=incident_id, change="opened", priority=1, message=make_message(incident_id))
        retried = lambda: all(  # noqa: E731
            a.attempts >= ATTEMPTS_PAST_ANY_BUDGET for a in AlertOutbox.objects.all()
        )
        wait_for(retried, 90, interval=0.5, what=f"{ATTEMPTS_PAST_ANY_BUDGET} attempts per alert")

        assert set(AlertOutbox.objects.values_list("status", flat=True)) == {AlertStatus.PENDING}
        code, body = health(operator)
        assert code == 503, body
        assert body["checks"]["outbox"]["undelivered"] == 3
        assert body["checks"]["police_queue"]["ok"] is False
        assert client_for(None).get("/api/v1/health").status_code == 503  # anonymous: the same verdict

        queue.start()
        started = time.monotonic()
        delivered = lambda: not AlertOutbox.objects.exclude(status=AlertStatus.PUBLISHED).exists()  # noqa: E731
        wait_for(delivered, 60, interval=0.5, what="every alert delivered after the queue returned")
        recovery_s = time.monotonic() - started
        wait_for(lambda: health(operator)[0] == 200, 30, interval=0.5, what="health green after recovery")
        received = PoliceQueue(queue_url).drain(timeout=1.0)
    finally:
        worker.stop()

    assert {alert.alert_id for alert in received} == {
        str(a) for a in AlertOutbox.objects.values_list("alert_id", flat=True)
    }
    assert recovery_s < 30, recovery_s  # within a few capped backoffs, not a human's retry
