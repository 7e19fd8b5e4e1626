from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeofenceConfig(AppConfig):
    name = "geofence"
    label = "geofence"
    verbose_name = _("Enkelbanden en incidenten")

    def ready(self) -> None:
        from . import tasks
        from .engine import compiled
        from .incidents import zones

        zones.connect_cache_signals(on_change=tasks.judge_recent_fixes)
        # Compile the engine's kernel (or load it from numba's cache) before the first batch arrives.
        compiled.warm_up()
