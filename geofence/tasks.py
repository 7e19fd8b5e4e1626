"""Celery tasks of the geofence app. They take ids and time ranges, never objects, and are idempotent."""

import logging
from datetime import datetime

from celery import shared_task

from geofence.incidents import devices, evaluation

log = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=60, max_retries=8)
def evaluate_fixes(ranges: list[list]) -> int:
    """Evaluate stored fixes per [device pk, first ts, last ts]; a repeat changes nothing."""
    return evaluation.evaluate_device_ranges(ranges)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=60, max_retries=8)
def process_device_events(event_ids: list[int]) -> int:
    """Apply stored device events (tamper, battery, panic...) once each."""
    return devices.process_events(event_ids)


@shared_task(acks_late=True, expires=30)
def process_due_events(now: str | None = None) -> int:
    """Apply stored device events whose task never ran (lost with a broker's messages); run by Celery beat."""
    return devices.process_due_events(datetime.fromisoformat(now) if now else None)


@shared_task(acks_late=True)
def check_silent_devices(now: str | None = None) -> dict:
    """Open silent-device, no-GPS and mass-outage incidents; run by Celery beat every check interval."""
    return devices.check_silent_devices(datetime.fromisoformat(now) if now else None)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=60, max_retries=8)
def evaluate_recent_fixes(person_ids: list[int]) -> int:
    """Judge the subjects' last minutes of fixes again after a ban or assignment of theirs changed."""
    return evaluation.evaluate_recent_fixes(person_ids)


@shared_task(acks_late=True, expires=30)
def evaluate_due_fixes() -> int:
    """Judge stored fixes whose time has come but that no batch has judged; run by Celery beat."""
    return evaluation.evaluate_due_fixes()


def judge_recent_fixes(person_ids: list[int]) -> None:
    """Queue evaluate_recent_fixes; when the broker cannot take it, run it here rather than lose it."""
    try:
        evaluate_recent_fixes.delay(person_ids)
    except Exception:
        log.exception("could not queue the re-evaluation of %d subjects; running it in this process", len(person_ids))
        evaluate_recent_fixes.run(person_ids)
