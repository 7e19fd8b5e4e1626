"""System checks for the delivery settings: wrong values here lose or duplicate alerts silently."""

from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_delivery_settings(app_configs=None, **kwargs):
    errors = []
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    longest_wait = max(settings.ALERT_RETRY_MAX_SECONDS, settings.ALERT_CLAIM_SECONDS) + 60
    if visibility <= longest_wait:
        errors.append(
            Error(
                f"CELERY_VISIBILITY_TIMEOUT={visibility} must exceed the longest retry wait plus a delivery "
                f"({longest_wait} s): Redis would hand the task to a second worker while the first still holds it.",
                id="alerts.E001",
            )
        )
    if settings.ALERT_UNDELIVERED_SECONDS < 1:
        errors.append(Error("ALERT_UNDELIVERED_SECONDS must be at least 1.", id="alerts.E002"))
    if not (settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST):
        errors.append(
            Warning(
                "Alert delivery needs CELERY_TASK_ACKS_LATE and CELERY_TASK_REJECT_ON_WORKER_LOST: "
                "late acks alone still ack a task whose worker was killed.",
                id="alerts.W001",
            )
        )
    return errors


@register()
def check_police_queue_database(app_configs=None, **kwargs):
    """Refuse a police queue on the Redis database of the cache or the Celery broker.

    A cache flush (or a cache's eviction under memory pressure) would delete
    queued alerts, and the broker's keys would mix with the dispatch system's.
    """
    queue = redis_database(settings.POLICE_QUEUE_URL)
    if queue is None:
        return []
    return [
        Error(
            f"POLICE_QUEUE_URL uses Redis {queue[0]}:{queue[1]} database {queue[2]}, the same as {name}: "
            "flushing or evicting that database would delete queued alerts.",
            hint="Give the police queue its own Redis database number (or its own broker).",
            id="alerts.E003",
        )
        for name, url in (("CACHE_URL", settings.CACHE_URL), ("CELERY_BROKER_URL", settings.CELERY_BROKER_URL))
        if redis_database(url) == queue
    ]


def redis_database(url: str) -> tuple[str, int, int] | None:
    """Return (host, port, database) of a redis:// or rediss:// URL, None for any other URL."""
    parsed = urlparse(url or "")
    if parsed.scheme not in ("redis", "rediss"):
        return None
    path = parsed.path.strip("/")
    database = int(path) if path.isdigit() else int(parse_qs(parsed.query).get("db", ["0"])[0])
    return (parsed.hostname or "localhost", parsed.port or 6379, database)
