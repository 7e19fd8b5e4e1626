"""The monitoring centre's own data: which police region a zone belongs to.

The registry has no municipality or province on a zone or protected location,
so the region an incident is filtered by is set here, per ban, by a supervisor
(Django admin). A ban without one shows as "region unknown" and stays visible
under every region filter, so a missing region never hides an incident.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Ban

from .labels import PoliceRegion


class BanRegion(models.Model):
    ban = models.OneToOneField(Ban, on_delete=models.CASCADE, related_name="monitor_region", verbose_name=_("verbod"))
    region = models.CharField(_("regio"), max_length=30, choices=PoliceRegion.choices, db_index=True)

    class Meta:
        verbose_name = _("regio van een zone")
        verbose_name_plural = _("regio's van zones")

    def __str__(self) -> str:
        return f"{self.ban_id}: {self.get_region_display()}"
