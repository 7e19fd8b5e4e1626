"""Deliver outbox alerts to the police queue, let operators retry and acknowledge, record police steps.

Delivery is at least once. A worker claims an attempt with a conditional
update (one winner per attempt), publishes, then marks the row published. A
crash between publish and mark leaves the row pending; when the claim's
lease runs out the sweeper publishes it again with the same alert_id, which
the dispatch system de-duplicates on. An alert is never marked published
before the queue has confirmed it, and never given up: a failed attempt is
retried with capped backoff for as long as the alert is pending.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from geofence.incidents.services import add_timeline_entry
from geofence.models import Incident
from registry.models import AuditEntry

from .models import AlertOutbox, AlertStatus, PoliceOutcome, PoliceStep
from .outbox import schedule_delivery
from .police_queue import PoliceQueue, PoliceQueueError, police_queue

log = logging.getLogger(__name__)


class Delivery(StrEnum):
    PUBLISHED = "published"
    FAILED = "failed"  # will be retried at retry_at
    BUSY = "busy"  # another worker holds the attempt until retry_at
    DONE = "done"  # nothing to do: already published or gone


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
        elif result.outcome == Delivery.FAILED:
            report.failed += 1
            # The queue is down: the other rows would fail the same way; the next sweep tries again.
            break
    return report


def retry_now(alerts, *, user) -> int:
    """Make pending alerts due at once and queue their delivery (the operator's retry); return how many."""
    due = []
    with transaction.atomic():
        for alert in alerts:
            if alert.retry_now():
                AuditEntry.record(user, "alert.retry", alert, alert_id=str(alert.alert_id))
                due.append(alert.pk)
        transaction.on_commit(lambda: [schedule_delivery(pk) for pk in due])
    return len(due)


def mark_undelivered_seen(alert: AlertOutbox, *, user) -> bool:
    """Record that an operator saw the alert is undelivered (it keeps being retried); audit it."""
    with transaction.atomic():
        seen = alert.mark_undelivered_seen(user.get_username())
        if seen:
            AuditEntry.record(user, "alert.undelivered_seen", alert, alert_id=str(alert.alert_id))
    return seen


class AcknowledgementConflict(Exception):
    """The step does not follow the police's steps so far (it goes back, or a second result)."""

    def __init__(self, alert: AlertOutbox) -> None:
        super().__init__(f"alert {alert.alert_id} already at step {alert.police_outcome}")
        self.alert = alert


def acknowledge(alert_id, *, user, outcome: PoliceOutcome, note: str = "") -> tuple[AlertOutbox, bool]:
    """Record the police's next step for an alert; return (alert, changed).

    Steps move forward: sent, on scene, then one result (arrest, report, no
    action); a step may be skipped. A repeat of a recorded step changes
    nothing; a step that goes back or a second result raises
    AcknowledgementConflict. An acknowledged alert has evidently arrived, so
    a row still pending (crash before it was marked) is marked published.
    """
    with transaction.atomic():
        alert = AlertOutbox.objects.select_for_update().get(alert_id=alert_id)
        if alert.police_steps.filter(outcome=outcome).exists():
            return alert, False
        if not alert.may_step_to(outcome):
            raise AcknowledgementConflict(alert)
        now = timezone.now()
        PoliceStep.objects.create(alert=alert, outcome=outcome, at=now, by=user.get_username(), note=note)
        alert.police_outcome, alert.police_note = outcome, note
        alert.acknowledged_at = alert.acknowledged_at or now
        alert.acknowledged_by = alert.acknowledged_by or user.get_username()
        if alert.status != AlertStatus.PUBLISHED:
            alert.status, alert.published_at, alert.next_attempt_at = AlertStatus.PUBLISHED, now, None
        alert.save()
        AuditEntry.record(user, "alert.acknowledge", alert, alert_id=str(alert.alert_id), outcome=outcome, note=note)
        _record_in_incident_history(alert, user, at=now)
    return alert, True


def _record_in_incident_history(alert: AlertOutbox, user, *, at: datetime) -> None:
    incident = Incident.objects.filter(pk=alert.incident_id).first()
    if incident is not None:
        add_timeline_entry(
            incident,
            "police_acknowledged",
            at=at,
            actor=user,
            note=alert.police_note,
            outcome=alert.police_outcome,
            alert_id=str(alert.alert_id),
        )
