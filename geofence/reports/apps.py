from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "geofence.reports"
    label = "reports"
    verbose_name = _("Rapporten aan het OM")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (drafts a report when a violation is confirmed)
