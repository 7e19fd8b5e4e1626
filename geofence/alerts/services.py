"""Deliver outbox alerts to the police queue, retry the dead ones, record police acknowledgements.

Delivery is at least once. A worker claims an attempt with a conditional
update (one winner per attempt), publishes, then marks the row published. A
crash between publish and mark leaves the row pending; when the claim's
lease runs out the sweeper publishes it again with the same alert_id, which
the dispatch system de-duplicates on. An alert is never marked published
before the queue has confirmed it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from registry.models import AuditEntry

from .models import AlertOutbox, AlertStatus, PoliceOutcome
from .police_queue import PoliceQueue, PoliceQueueError, police_queue

log = logging.getLogger(__name__)

# Sent inside the acknowledgement's transaction: the incident history listens.
alert_acknowledged = Signal()  # kwargs: alert, user


class Delivery(StrEnum):
    PUBLISHED = "published"
    FAILED = "failed"  # will be retried at retry_at
    DEAD = "dead"  # last attempt failed: dead-lettered
    BUSY = "busy"  # another worker holds the attempt until retry_at
    DONE = "done"  # nothing to do: already published, dead, or gone


@dataclass(frozen=True)
class DeliveryResult:
    outcome: Delivery
    retry_at: datetime | None = None


def deliver(alert_pk: int, *, queue: PoliceQueue | None = None) -> DeliveryResult:
    """Make one delivery attempt for an outbox row, if the attempt is ours to make."""
    lease = timedelta(seconds=settings.ALERT_CLAIM_SECONDS)
    if not AlertOutbox.objects.claim(alert_pk, now=timezone.now(), lease=lease):
        return _unclaimed(alert_pk)
    alert = AlertOutbox.objects.get(pk=alert_pk)
    try:
        (queue or police_queue()).publish(alert.message, alert_id=str(alert.alert_id))
    except PoliceQueueError as exc:
        alert.record_failure(str(exc))
        log.warning("alert %s attempt %d failed: %s", alert.alert_id, alert.attempts, exc)
        if alert.status == AlertStatus.DEAD:
            log.error("alert %s dead-lettered after %d attempts", alert.alert_id, alert.attempts)
            return DeliveryResult(Delivery.DEAD)
        return DeliveryResult(Delivery.FAILED, alert.next_attempt_at)
    alert.mark_published()
    return DeliveryResult(Delivery.PUBLISHED)


def _unclaimed(alert_pk: int) -> DeliveryResult:
    row = AlertOutbox.objects.filter(pk=alert_pk).values("status", "next_attempt_at").first()
    if row is None or row["status"] != AlertStatus.PENDING:
        return DeliveryResult(Delivery.DONE)
    return DeliveryResult(Delivery.BUSY, row["next_attempt_at"])


@dataclass
class SweepReport:
    published: int = 0
    failed: int = 0


def sweep(*, limit: int = 200, queue: PoliceQueue | None = None) -> SweepReport:
    """Publish the pending alerts that are due: lost tasks, crashed workers, earlier failures."""
    report = SweepReport()
    due = AlertOutbox.objects.due().order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
    for pk in list(due):
        result = deliver(pk, queue=queue)
        if result.outcome == Delivery.PUBLISHED:
            report.published += 1
        elif result.outcome in (Delivery.FAILED, Delivery.DEAD):
            report.failed += 1
            # The queue is down: the other rows would fail the same way and burn attempts.
            break
    return report


def retry_dead_alerts(alerts, *, user) -> int:
    """Give dead-lettered alerts a fresh set of attempts and deliver them; return how many."""
    revived = []
    with transaction.atomic():
        for alert in alerts:
            if alert.revive():
                AuditEntry.record(user, "alert.retry", alert, alert_id=str(alert.alert_id))
                revived.append(alert.pk)
        transaction.on_commit(lambda: _schedule(revived))
    return len(revived)


def _schedule(alert_pks: list[int]) -> None:
    from .outbox import schedule_delivery

    for pk in alert_pks:
        schedule_delivery(pk)


class AcknowledgementConflict(Exception):
    """The alert was already acknowledged with a different outcome."""

    def __init__(self, alert: AlertOutbox) -> None:
        super().__init__(f"alert {alert.alert_id} already acknowledged as {alert.police_outcome}")
        self.alert = alert


def acknowledge(alert_id, *, user, outcome: PoliceOutcome, note: str = "") -> tuple[AlertOutbox, bool]:
    """Record the police dispatch's outcome for an alert; return (alert, changed).

    A repeat with the same outcome changes nothing; a different outcome
    raises AcknowledgementConflict. An acknowledged alert has evidently
    arrived, so a row still pending (crash before it was marked) is marked published.
    """
    with transaction.atomic():
        alert = AlertOutbox.objects.select_for_update().get(alert_id=alert_id)
        if alert.police_outcome:
            if alert.police_outcome != outcome:
                raise AcknowledgementConflict(alert)
            return alert, False
        now = timezone.now()
        alert.police_outcome, alert.police_note = outcome, note
        alert.acknowledged_at, alert.acknowledged_by = now, user.get_username()
        if alert.status != AlertStatus.PUBLISHED:
            alert.status, alert.published_at, alert.next_attempt_at = AlertStatus.PUBLISHED, now, None
        alert.save()
        AuditEntry.record(user, "alert.acknowledge", alert, alert_id=str(alert.alert_id), outcome=outcome, note=note)
        alert_acknowledged.send(sender=AlertOutbox, alert=alert, user=user)
    return alert, True
