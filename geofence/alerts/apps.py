from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "geofence.alerts"
    label = "alerts"
    verbose_name = _("Meldingen aan de politie")

    def ready(self) -> None:
        from . import checks, receivers  # noqa: F401 - checks registers the system checks

        receivers.connect()
