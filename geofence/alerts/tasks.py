"""Celery tasks that deliver outbox rows to the police queue, sweep the outbox, and prove consumption."""

import socket

from celery import shared_task
from django.utils import timezone

from . import services
from .models import WorkerHeartbeat
from .services import Delivery


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, soft_time_limit=60)
def deliver_alert(self, alert_pk: int) -> str:
    """Publish one outbox row to the police queue; retry explicitly until it is published.

    Idempotent: the claim lets one attempt through at a time, so a redelivered
    or duplicated task cannot publish twice in the same attempt.
    """
    result = services.deliver(alert_pk)
    if result.outcome in (Delivery.FAILED, Delivery.BUSY) and not self.request.is_eager:
        # Eager Celery would retry at once, recursively: there the sweeper takes over.
        countdown = max((result.retry_at - timezone.now()).total_seconds(), 0.0) if result.retry_at else 1.0
        raise self.retry(countdown=countdown)
    return result.outcome


@shared_task(acks_late=True, ignore_result=True)
def sweep_outbox() -> dict:
    """Publish due pending alerts: lost tasks, crashed workers and failed attempts end up here."""
    report = services.sweep()
    return {"published": report.published, "failed": report.failed}


@shared_task(ignore_result=True)
def canary(queue: str = "default") -> None:
    """Record that a worker consumed this queue just now (read by the health endpoint)."""
    WorkerHeartbeat.objects.update_or_create(
        queue=queue, defaults={"beat_at": timezone.now(), "hostname": socket.gethostname()}
    )
