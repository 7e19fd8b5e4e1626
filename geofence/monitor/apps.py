from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "geofence.monitor"
    label = "monitor"
    verbose_name = _("Meldkamer")

    def ready(self):
        from registry.signals import ban_region_chosen

        from .models import keep_ban_region

        ban_region_chosen.connect(keep_ban_region, dispatch_uid="monitor.keep_ban_region")
