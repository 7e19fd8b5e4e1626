"""Celery tasks that deliver outbox rows to the police queue."""

from celery import shared_task


@shared_task(acks_late=True)
def deliver_alert(alert_pk: int) -> None:
    """Publish one outbox row to the police queue (not yet wired)."""
