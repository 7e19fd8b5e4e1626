"""Health of alert delivery: can alerts flow from the database through workers to the police queue?

Failing ("fail", HTTP 503) means an operator must act: a broker is down, a
worker queue has not run its canary, an alert has been undelivered longer
than ALERT_UNDELIVERED_SECONDS, this process's zone catalogue is older
than ZONE_CATALOGUE_MAX_AGE_SECONDS, or an audit entry has waited longer than
AUDIT_SEAL_MAX_AGE_SECONDS for its seal with no seal pass finished since.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from geofence.incidents.zones import catalogue_age_seconds
from registry.models import AuditEntry

from .models import AlertOutbox, AlertStatus, WorkerHeartbeat
from .police_queue import CONNECT_TIMEOUT_S, PoliceQueue

PROBE_TIMEOUT_S = 2.0
SCOPES = ("web", "all")


def check(scope: str = "all", *, probe_brokers: bool = True) -> dict:
    """Return {"status": "ok"|"fail", "checks": {...}, "problems": [...]}.

    scope "web" checks only the database (what a load balancer needs to route
    requests); "all" adds the canaries, the outbox, the zone catalogue, the audit sealer and,
    with probe_brokers, a connection to each broker.
    """
    checks = {"database": _database()}
    if scope != "web":
        checks |= {
            "canaries": _canaries(),
            "outbox": _outbox(),
            "zone_catalogue": _zone_catalogue(),
            "audit_seal": _audit_seal(),
        }
        if probe_brokers:
            checks |= {"celery_broker": _celery_broker(), "police_queue": _police_queue()}
    problems = [f"{name}: {check['error']}" for name, check in _flatten(checks) if check.get("ok") is False]
    return {"status": "fail" if problems else "ok", "checks": checks, "problems": problems}


def cached_status(scope: str) -> str:
    """Return the status for anonymous callers: computed without broker probes, shared for a few seconds.

    Pollers without a token (load balancers, monitoring) then cost one set of
    database queries per HEALTH_ANONYMOUS_CACHE_SECONDS, whatever their number,
    and can never hold a request on a hanging broker.
    """
    key = f"alerts.health.{scope}"
    found = cache.get(key)
    if found is None:
        found = check(scope, probe_brokers=False)["status"]
        cache.set(key, found, settings.HEALTH_ANONYMOUS_CACHE_SECONDS)
    return found


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


def canary_ages() -> dict[str, float | None]:
    """Per consumed queue: seconds since a worker last ran the canary there (None: never)."""
    beats = dict(WorkerHeartbeat.objects.values_list("queue", "beat_at"))
    now = timezone.now()
    return {
        queue: (now - beats[queue]).total_seconds() if queue in beats else None
        for queue in settings.CELERY_QUEUES_CONSUMED
    }


def _canaries() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {}  # no workers: tasks run in the process that queues them
    limit, result = settings.CANARY_MAX_AGE_SECONDS, {}
    for queue, age in canary_ages().items():
        ok = age is not None and age <= limit
        result[queue] = {"ok": ok, "age_s": age, "max_age_s": limit}
        if not ok:
            result[queue]["error"] = "canary never ran" if age is None else f"canary {age:.0f} s old"
    return result


def _outbox() -> dict:
    """Pending and undelivered counts; any undelivered alert fails health until it is delivered."""
    undelivered = AlertOutbox.objects.undelivered()
    oldest = undelivered.values_list("created_at", flat=True).first()
    count = undelivered.count()
    result = {
        "ok": count == 0,
        "pending": AlertOutbox.objects.filter(status=AlertStatus.PENDING).count(),
        "undelivered": count,
        "oldest_undelivered_age_s": (timezone.now() - oldest).total_seconds() if oldest else None,
        "undelivered_after_s": settings.ALERT_UNDELIVERED_SECONDS,
    }
    if count:
        result["error"] = f"{count} alerts undelivered for more than {settings.ALERT_UNDELIVERED_SECONDS} s"
    return result


def _zone_catalogue() -> dict:
    """This process's zone catalogue: None until it evaluated a fix (evaluation may run in the workers)."""
    age, limit = catalogue_age_seconds(), settings.ZONE_CATALOGUE_MAX_AGE_SECONDS
    result = {"ok": age is None or age <= limit, "age_s": age, "max_age_s": limit}
    if not result["ok"]:
        result["error"] = f"zone catalogue {age:.0f} s old"
    return result


def _audit_seal() -> dict:
    """Whether the audit sealer keeps up: fails once an entry and the last seal pass are both older than the limit."""
    now = timezone.now()
    lag = AuditEntry.objects.seal_lag(now)
    result = {
        "ok": lag.overdue is None,
        "oldest_unsealed_age_s": (now - lag.oldest_unsealed_at).total_seconds() if lag.oldest_unsealed_at else None,
        "last_pass_age_s": (now - lag.last_pass_at).total_seconds() if lag.last_pass_at else None,
        "max_age_s": settings.AUDIT_SEAL_MAX_AGE_SECONDS,
    }
    if not result["ok"]:
        result["error"] = f"audit entries unsealed for {result['oldest_unsealed_age_s']:.0f} s and no seal pass since"
    return result
