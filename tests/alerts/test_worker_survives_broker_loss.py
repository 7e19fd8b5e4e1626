"""A worker that holds a scheduled task when the broker goes away reconnects instead of exiting.

With late acks a retried delivery waits in the worker, unacknowledged, until its countdown ends. On a
lost Redis connection kombu tries to hand such messages back while it closes the dead connection, and
(kombu 5.x) fails on the already discarded connection details: "Unrecoverable error: AttributeError(
"'NoneType' object has no attribute 'hostname'")", and the worker process exits.
"""

import time

import pytest

from geofence.alerts.tasks import canary
from tests.alerts.faults import Worker, wait_for, worker_env
from tests.services import require_postgres

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_worker_holding_a_scheduled_task_survives_a_broker_restart(private_redis, celery_broker, tmp_path):
    require_postgres()
    broker_url = f"{private_redis.url}/0"
    worker = Worker(
        worker_env(CELERY_BROKER_URL=broker_url, POLICE_QUEUE_URL=f"{private_redis.url}/1"), tmp_path / "worker.log"
    )
    try:
        worker.wait_ready()
        celery_broker(broker_url)
        canary.apply_async(args=["default"], countdown=600)  # held by the worker, unacknowledged
        wait_for(lambda: "received" in worker.log(), 30, what="scheduled task received")

        private_redis.stop()
        time.sleep(3)
        assert worker.process.poll() is None, worker.log()[-4000:]
        private_redis.start()
        canary.apply_async(args=["default"])
        wait_for(lambda: "succeeded" in worker.log(), 60, what="a task consumed after the restart")
        assert worker.process.poll() is None
    finally:
        worker.stop()
