"""Fixtures for alert delivery: real police queues on Redis and RabbitMQ, eager Celery, sample messages."""

import os
import shutil
import subprocess
import uuid

import pytest
from django.utils import timezone
from kombu import Connection

from config.celery import app as celery_app
from geofence.alerts.message import enforcement_block
from geofence.alerts.police_queue import PoliceQueue
from geofence.alerts.schema import SCHEMA_VERSION
from tests.services import require_rabbitmq, require_redis

# Overridable so that test runs of several worktrees on one machine do not flush each other's queues.
REDIS_QUEUE_URL = os.environ.get("BANWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
AMQP_VHOST = os.environ.get("BANWATCH_TEST_AMQP_VHOST", "banwatch_test")
AMQP_QUEUE_URL = f"amqp://guest:guest@127.0.0.1:5672/{AMQP_VHOST}"
# Each test run has its own queue on the shared brokers, so two runs never take each other's messages.
TEST_QUEUE_NAME = f"police.alerts.test-{uuid.uuid4().hex[:12]}"


def _amqp_vhost_ready() -> bool:
    try:
        with Connection(AMQP_QUEUE_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:
        return False


def ensure_amqp_vhost() -> str:
    """Return the AMQP URL of the test vhost, creating the vhost with rabbitmqctl when missing."""
    require_rabbitmq()
    if not _amqp_vhost_ready() and shutil.which("rabbitmqctl"):
        subprocess.run(["rabbitmqctl", "add_vhost", AMQP_VHOST], capture_output=True, timeout=60)
        subprocess.run(
            ["rabbitmqctl", "set_permissions", "-p", AMQP_VHOST, "guest", ".*", ".*", ".*"],
            capture_output=True,
            timeout=60,
        )
    if not _amqp_vhost_ready():
        pytest.fail(f"RabbitMQ vhost {AMQP_VHOST} is missing and could not be created with rabbitmqctl")
    return AMQP_QUEUE_URL


def queue_url_for(transport: str) -> str:
    if transport == "redis":
        require_redis()
        return REDIS_QUEUE_URL
    return ensure_amqp_vhost()


@pytest.fixture(autouse=True, scope="session")
def _delete_test_queues():
    """Remove this run's queues from the shared brokers at the end."""
    yield
    for url in (REDIS_QUEUE_URL, AMQP_QUEUE_URL):
        try:
            with Connection(url, connect_timeout=2) as conn:
                conn.default_channel.queue_delete(TEST_QUEUE_NAME)
        except Exception:  # noqa: S110  (a broker that is gone has nothing to clean)
            pass


@pytest.fixture(params=["redis", "amqp"])
def police_queue_url(request, settings):
    """The police queue on a real broker (each test runs on Redis and on RabbitMQ), emptied around the test."""
    url = queue_url_for(request.param)
    settings.POLICE_QUEUE_URL = url
    settings.POLICE_QUEUE_NAME = TEST_QUEUE_NAME
    PoliceQueue(url).purge()
    yield url
    PoliceQueue(url).purge()


@pytest.fixture
def redis_queue_url(settings):
    url = queue_url_for("redis")
    settings.POLICE_QUEUE_URL = url
    settings.POLICE_QUEUE_NAME = TEST_QUEUE_NAME
    PoliceQueue(url).purge()
    yield url
    PoliceQueue(url).purge()


def alert_message(incident_id: int = 1, **overrides) -> dict:
    """Return a schema-valid alert message body (alert_id is added by enqueue_alert)."""
    now = timezone.now().isoformat()
    message = {
        "schema_version": SCHEMA_VERSION,
        "created_at": now,
        "incident": {
            "id": incident_id,
            "type": "zone_violation",
            "type_label": "gebiedsverbod overtreden",
            "change": "opened",
            "change_label": "geopend",
            "verdict": "definite",
            "opened_at": now,
            "closed_at": None,
        },
        "priority": {"level": 1, "label": "zeer urgent", "reasons": ["SASH-risico hoog"]},
        "subject": {"person_id": 7, "name": "Testje van Voorbeeld", "date_of_birth": "1990-01-01"},
        "ban": {
            "id": 3,
            "kind": "area",
            "kind_label": "locatieverbod",
            "summary": "Verboden binnen 5 km van de woning van de beschermde persoon",
            "legal_basis": "gedragsaanwijzing",
            "legal_basis_label": "gedragsaanwijzing OM (art. 509hh Sv)",
            "authority": "om",
            "decision_reference": "TEST-0001",
            "valid_until": None,
            "dut": False,
            "sash_risk": "high",
        },
        "enforcement": enforcement_block("gedragsaanwijzing"),
        "last_fix": {"time": now, "age_s": 4, "lat": 52.01, "lon": 5.01, "accuracy_m": 8.0},
        "victim_position": None,
        "device": {"id": "EB-TEST-0001", "status": "ok", "battery_pct": 80, "last_seen_at": now},
        "dashboard_url": f"http://127.0.0.1:8000/monitor/incidents/{incident_id}",
    }
    return message | overrides


def new_alert_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def make_message():
    return alert_message


def _reset_celery_producers() -> None:
    celery_app._pool = None
    celery_app.__dict__.get("amqp") and setattr(celery_app.amqp, "_producer_pool", None)


@pytest.fixture
def celery_broker(settings):
    """Return a function that points this process's Celery at a real broker (no eager mode)."""
    previous = celery_app.conf.get("broker_write_url"), celery_app.conf.task_always_eager

    def use(url: str) -> None:
        # The write URL: Celery prefers a CELERY_BROKER_URL environment variable (CI) over broker_url.
        celery_app.conf.broker_write_url = url
        celery_app.conf.task_always_eager = False
        settings.CELERY_TASK_ALWAYS_EAGER = False
        _reset_celery_producers()

    yield use
    celery_app.conf.broker_write_url, celery_app.conf.task_always_eager = previous
    _reset_celery_producers()


@pytest.fixture
def private_redis(tmp_path):
    from tests.alerts.faults import PrivateRedis

    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.resume() if redis.process and redis.process.poll() is None else None
    redis.stop()
