from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "geofence.alerts"
    label = "alerts"
    verbose_name = _("Meldingen aan de politie")

    def ready(self) -> None:
        # checks registers the system checks; tasks registers the Celery tasks that outbox queues by name.
        from . import checks, receivers, tasks  # noqa: F401

        receivers.connect()
