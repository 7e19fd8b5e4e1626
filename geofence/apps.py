from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeofenceConfig(AppConfig):
    name = "geofence"
    label = "geofence"
    verbose_name = _("Enkelbanden en incidenten")

    def ready(self) -> None:
        from . import tasks
        from .incidents import zones

        zones.connect_cache_signals(on_change=tasks.judge_recent_fixes)
