"""Put an alert in the outbox; delivery happens after the transaction commits."""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from config.celery import app

from .models import AlertOutbox

# By name, not by import: the tasks module imports the services that import this one.
DELIVER_TASK = "geofence.alerts.tasks.deliver_alert"

log = logging.getLogger(__name__)


def enqueue_alert(*, incident_id: int, change: str, priority: int, message: dict) -> AlertOutbox:
    """Write the alert row in the caller's transaction and schedule delivery on commit.

    Call this inside the transaction that changes the incident: a rollback then
    removes the alert too, and a commit always leaves a row the sweeper finds.
    """
    alert = AlertOutbox(
        incident_id=incident_id,
        change=change,
        priority=priority,
        message=message,
        next_attempt_at=timezone.now(),
        fix_at=_fix_time(message),
    )
    # The id is drawn in Python (the field's default), so the message carries it from the one INSERT.
    message.setdefault("alert_id", str(alert.alert_id))
    alert.save(force_insert=True)
    transaction.on_commit(lambda: schedule_delivery(alert.pk))
    return alert


def schedule_delivery(alert_pk: int) -> None:
    """Queue the delivery task; if the Celery broker is unreachable, leave the row to the sweeper.

    With eager Celery (the embedded default) this publishes in-process; a
    failed publish leaves the row pending with its next attempt time.
    """
    try:
        app.tasks[DELIVER_TASK].delay(alert_pk)
    except Exception:
        # The row is committed and due: the sweeper delivers it. Never fail the caller's request.
        log.exception("could not queue delivery of alert row %s; the sweeper will deliver it", alert_pk)


def _fix_time(message: dict) -> datetime | None:
    fix = message.get("last_fix") or {}
    try:
        return datetime.fromisoformat(fix["time"])
    except (KeyError, TypeError, ValueError):
        return None
