"""GET /api/v1/health: status for anyone, figures for operators, 503 when workers stop consuming."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from config.celery import app as celery_app
from geofence.alerts.models import AlertOutbox, AlertStatus, WorkerHeartbeat
from geofence.alerts.tasks import canary
from registry.models import AuditChainHead, AuditEntry

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def with_workers(settings, redis_queue_url):
    """Health as in production: a real Celery broker and a real police queue."""
    cache.clear()  # the anonymous answer and the throttle counts of earlier tests
    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = celery_app.conf.get("broker_write_url")
    celery_app.conf.broker_write_url = redis_queue_url
    yield settings
    celery_app.conf.broker_write_url = previous


def beat_all(age_s: float, settings) -> None:
    for queue in settings.CELERY_QUEUES_CONSUMED:
        WorkerHeartbeat.objects.update_or_create(
            queue=queue, defaults={"beat_at": timezone.now() - timedelta(seconds=age_s)}
        )


def test_canary_records_when_it_ran_on_its_queue(eager_celery):
    canary.delay("delivery")

    assert timezone.now() - WorkerHeartbeat.objects.get(queue="delivery").beat_at < timedelta(seconds=5)


def test_anonymous_gets_only_the_status(client_for, with_workers):
    beat_all(5, with_workers)

    response = client_for(None).get("/api/v1/health")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_stale_canary_makes_health_503(client_for, with_workers):
    beat_all(with_workers.CANARY_MAX_AGE_SECONDS + 1, with_workers)

    response = client_for("carol").get("/api/v1/health")

    assert response.status_code == 503
    assert response.json()["checks"]["canaries"]["delivery"]["ok"] is False


def test_operator_sees_outbox_counts_and_an_undelivered_alert_makes_health_503(client_for, with_workers, make_message):
    beat_all(5, with_workers)
    for status in (AlertStatus.PENDING, AlertStatus.PENDING, AlertStatus.PUBLISHED):
        AlertOutbox.objects.create(incident_id=1, change="opened", message=make_message(), status=status)
    old = timezone.now() - timedelta(seconds=with_workers.ALERT_UNDELIVERED_SECONDS + 30)
    AlertOutbox.objects.filter(pk=AlertOutbox.objects.order_by("pk").first().pk).update(created_at=old)

    response = client_for("erin").get("/api/v1/health")

    assert response.status_code == 503
    outbox = response.json()["checks"]["outbox"]
    assert (outbox["pending"], outbox["undelivered"]) == (2, 1)
    assert outbox["oldest_undelivered_age_s"] >= with_workers.ALERT_UNDELIVERED_SECONDS + 30
    assert response.json()["checks"]["police_queue"]["ok"] is True


def test_recent_pending_alert_keeps_health_green(client_for, with_workers, make_message):
    beat_all(5, with_workers)
    AlertOutbox.objects.create(incident_id=1, change="opened", message=make_message())

    assert client_for("erin").get("/api/v1/health").status_code == 200


def test_stale_zone_catalogue_makes_health_503(client_for, with_workers, monkeypatch):
    beat_all(5, with_workers)
    monkeypatch.setattr("geofence.alerts.health.catalogue_age_seconds", lambda: 3600.0)

    response = client_for("carol").get("/api/v1/health")

    assert response.status_code == 503
    assert response.json()["checks"]["zone_catalogue"]["ok"] is False


def test_audit_entry_left_unsealed_makes_health_503_until_sealed(client_for, with_workers):
    beat_all(5, with_workers)
    late = timezone.now() - timedelta(seconds=with_workers.AUDIT_SEAL_MAX_AGE_SECONDS + 10)
    AuditEntry._base_manager.bulk_create([AuditEntry(actor_name="bob", action="lookup", at=late)])
    AuditChainHead.objects.update_or_create(pk=1, defaults={"sealed_at": late})

    response = client_for("carol").get("/api/v1/health")

    assert response.status_code == 503
    seal = response.json()["checks"]["audit_seal"]
    assert (seal["ok"], seal["max_age_s"]) == (False, with_workers.AUDIT_SEAL_MAX_AGE_SECONDS)
    assert seal["oldest_unsealed_age_s"] >= with_workers.AUDIT_SEAL_MAX_AGE_SECONDS + 10
    assert seal["last_pass_age_s"] >= with_workers.AUDIT_SEAL_MAX_AGE_SECONDS + 10
    assert AuditEntry.objects.seal_pending() >= 1
    assert client_for("carol").get("/api/v1/health").status_code == 200


def test_old_unsealed_entry_keeps_health_green_while_the_sealer_passes(client_for, with_workers):
    """A long transaction's entry is old when it commits; the sealer, still passing, takes it next."""
    beat_all(5, with_workers)
    AuditEntry.objects.seal_pending()  # a pass just now
    late = timezone.now() - timedelta(seconds=with_workers.AUDIT_SEAL_MAX_AGE_SECONDS + 10)
    AuditEntry._base_manager.bulk_create([AuditEntry(actor_name="bob", action="lookup", at=late)])

    response = client_for("carol").get("/api/v1/health")

    assert response.status_code == 200
    assert response.json()["checks"]["audit_seal"]["oldest_unsealed_age_s"] >= with_workers.AUDIT_SEAL_MAX_AGE_SECONDS


def test_unreachable_police_queue_makes_health_503(client_for, with_workers):
    beat_all(5, with_workers)
    with_workers.POLICE_QUEUE_URL = "redis://127.0.0.1:9/0"

    response = client_for("carol").get("/api/v1/health")

    assert response.status_code == 503
    assert any(problem.startswith("police_queue") for problem in response.json()["problems"])


def test_web_scope_checks_only_the_database(client_for, with_workers):
    with_workers.POLICE_QUEUE_URL = "redis://127.0.0.1:9/0"

    assert client_for(None).get("/api/v1/health?scope=web").status_code == 200


def test_anonymous_answer_never_connects_to_a_broker(client_for, with_workers, monkeypatch):
    beat_all(5, with_workers)
    probes = []
    monkeypatch.setattr("geofence.alerts.health.PoliceQueue.ping", lambda self: probes.append(self))

    for _ in range(3):
        client_for(None).get("/api/v1/health")

    assert probes == []


def test_anonymous_answer_is_shared_for_a_few_seconds(client_for, with_workers, make_message):
    beat_all(5, with_workers)
    assert client_for(None).get("/api/v1/health").status_code == 200
    old = timezone.now() - timedelta(seconds=with_workers.ALERT_UNDELIVERED_SECONDS + 30)
    AlertOutbox.objects.create(incident_id=1, change="opened", message=make_message())
    AlertOutbox.objects.update(created_at=old)

    assert client_for(None).get("/api/v1/health").status_code == 200  # the cached answer
    cache.clear()
    assert client_for(None).get("/api/v1/health").status_code == 503
    assert client_for("carol").get("/api/v1/health").status_code == 503  # operators never get the cached one


def test_anonymous_polling_is_rate_limited(client_for, with_workers):
    with_workers.HEALTH_ANONYMOUS_RATE = "3/min"
    client = client_for(None)

    codes = [client.get("/api/v1/health?scope=web").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]


def test_unknown_scope_is_400(client_for, with_workers):
    assert client_for("carol").get("/api/v1/health?scope=everything").status_code == 400
