"""System checks on settings that would make the registry unsafe or broken."""

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_police_queue_url(app_configs, **kwargs):
    url = settings.POLICE_QUEUE_URL
    allowed = ("redis://", "rediss://", "amqp://", "amqps://", "pyamqp://", "filesystem://", "memory://")
    if not url.startswith(allowed):
        return [Error(f"POLICE_QUEUE_URL={url!r} is not a Redis, AMQP or filesystem URL.", id="banwatch.E001")]
    return []


@register(deploy=True)
def check_production_services(app_configs, **kwargs):
    messages = []
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        messages.append(Warning("Production runs on PostgreSQL: set DATABASE_URL.", id="banwatch.W001"))
    if not settings.CELERY_BROKER_URL:
        messages.append(Warning("Production runs Celery on Redis: set CELERY_BROKER_URL.", id="banwatch.W002"))
    return messages
