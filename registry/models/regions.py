"""Which monitoring region each user works for (the region rule itself is registry/regions.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PoliceRegion(models.TextChoices):
    """The ten regional units (eenheden) of the Dutch police: how a monitoring centre splits its work."""

    NOORD_NEDERLAND = "noord-nederland", "Noord-Nederland"
    OOST_NEDERLAND = "oost-nederland", "Oost-Nederland"
    MIDDEN_NEDERLAND = "midden-nederland", "Midden-Nederland"
    NOORD_HOLLAND = "noord-holland", "Noord-Holland"
    AMSTERDAM = "amsterdam", "Amsterdam"
    DEN_HAAG = "den-haag", "Den Haag"
    ROTTERDAM = "rotterdam", "Rotterdam"
    ZEELAND_WEST_BRABANT = "zeeland-west-brabant", "Zeeland-West-Brabant"
    OOST_BRABANT = "oost-brabant", "Oost-Brabant"
    LIMBURG = "limburg", "Limburg"


class RegionMembership(models.Model):
    """One region a user works for; a centre covering several regions gives its operators one row each."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="region_memberships",
        verbose_name=_("gebruiker"),
    )
    region = models.CharField(_("regio"), max_length=30, choices=PoliceRegion.choices)

    class Meta:
        verbose_name = _("regio van een gebruiker")
        verbose_name_plural = _("regio's van gebruikers")
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="region_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_region_display()}"
