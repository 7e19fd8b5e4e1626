"""System checks for the delivery settings: wrong values here lose or duplicate alerts silently."""

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
    if settings.ALERT_MAX_ATTEMPTS < 1:
        errors.append(Error("ALERT_MAX_ATTEMPTS must be at least 1.", id="alerts.E002"))
    if not (settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST):
        errors.append(
            Warning(
                "Alert delivery needs CELERY_TASK_ACKS_LATE and CELERY_TASK_REJECT_ON_WORKER_LOST: "
                "late acks alone still ack a task whose worker was killed.",
                id="alerts.W001",
            )
        )
    return errors
