"""Health of alert delivery: can alerts flow from the database through workers to the police queue?"""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import AlertOutbox, AlertStatus, WorkerHeartbeat
from .police_queue import CONNECT_TIMEOUT_S, PoliceQueue

PROBE_TIMEOUT_S = 2.0


def check(scope: str = "all") -> dict:
    """Return {"status": "ok"|"fail", "checks": {...}, "problems": [...]}.

    scope "web" checks only the database (what a load balancer needs to route
    requests); "all" adds the brokers, the canaries and the outbox.
    """
    checks = {"database": _database()}
    if scope != "web":
        checks |= {
            "celery_broker": _celery_broker(),
            "police_queue": _police_queue(),
            "canaries": _canaries(),
            "outbox": _outbox(),
        }
    problems = [f"{name}: {check['error']}" for name, check in _flatten(checks) if check.get("ok") is False]
    return {"status": "fail" if problems else "ok", "checks": checks, "problems": problems}


def _flatten(checks: dict):
    for name, value in checks.items():
        if "ok" in value:
            yield name, value
        else:
            yield from ((f"{name}.{sub}", check) for sub, check in value.items())


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}


def _celery_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=PROBE_TIMEOUT_S)
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}


def _police_queue() -> dict:
    try:
        PoliceQueue().ping()
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200], "timeout_s": CONNECT_TIMEOUT_S}


def _canaries() -> dict:
    """Per consumed queue: how long ago a worker last ran the canary there."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {}  # no workers: tasks run in the process that queues them
    beats = dict(WorkerHeartbeat.objects.values_list("queue", "beat_at"))
    now, limit = timezone.now(), settings.CANARY_MAX_AGE_SECONDS
    result = {}
    for queue in settings.CELERY_QUEUES_CONSUMED:
        age = (now - beats[queue]).total_seconds() if queue in beats else None
        ok = age is not None and age <= limit
        result[queue] = {"ok": ok, "age_s": age, "max_age_s": limit}
        if not ok:
            result[queue]["error"] = "canary never ran" if age is None else f"canary {age:.0f} s old"
    return result


def _outbox() -> dict:
    """Pending and dead counts; overdue pending alerts mean delivery is stuck."""
    now = timezone.now()
    pending = AlertOutbox.objects.filter(status=AlertStatus.PENDING)
    overdue_after = timedelta(seconds=settings.ALERT_CLAIM_SECONDS + 3 * settings.ALERT_SWEEP_SECONDS)
    overdue = pending.filter(created_at__lt=now - overdue_after, attempts=0).count()
    return {
        "ok": overdue == 0,
        "pending": pending.count(),
        "dead": AlertOutbox.objects.filter(status=AlertStatus.DEAD).count(),
        "overdue_never_tried": overdue,
        **({"error": f"{overdue} pending alerts were never tried"} if overdue else {}),
    }
