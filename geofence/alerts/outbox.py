"""Put an alert in the outbox; delivery happens after the transaction commits."""

from django.db import transaction
from django.utils import timezone

from .models import AlertOutbox


def enqueue_alert(*, incident_id: int, change: str, priority: int, message: dict) -> AlertOutbox:
    """Write the alert row in the caller's transaction and schedule delivery on commit.

    Call this inside the transaction that changes the incident: a rollback then
    removes the alert too, and a commit always leaves a row the sweeper finds.
    """
    alert = AlertOutbox.objects.create(
        incident_id=incident_id,
        change=change,
        priority=priority,
        message=message,
        next_attempt_at=timezone.now(),
    )
    message.setdefault("alert_id", str(alert.alert_id))
    AlertOutbox.objects.filter(pk=alert.pk).update(message=message)
    transaction.on_commit(lambda: _schedule_delivery(alert.pk))
    return alert


def _schedule_delivery(alert_pk: int) -> None:
    # Delivery arrives with the police-queue work; until then the sweeper's job is open.
    from . import tasks

    tasks.deliver_alert.delay(alert_pk)
