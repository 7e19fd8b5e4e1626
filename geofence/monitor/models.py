"""The monitoring centre's own data: zone regions, contacts with victims, checklist ticks, handover notes.

The registry has no municipality or province on a zone or protected location,
so the police region an incident is filtered by is chosen per ban: by the registrar
where the ban is registered (API, desk; registry.signals.ban_region_chosen) or by a
supervisor (Django admin), and kept here. A ban without one shows as "region unknown" and stays visible
under every region filter, so a missing region never hides an incident.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Ban, ProtectedPerson

from .labels import PoliceRegion


class BanRegion(models.Model):
    ban = models.OneToOneField(Ban, on_delete=models.CASCADE, related_name="monitor_region", verbose_name=_("verbod"))
    region = models.CharField(_("regio"), max_length=30, choices=PoliceRegion.choices, db_index=True)

    class Meta:
        verbose_name = _("regio van een zone")
        verbose_name_plural = _("regio's van zones")

    def __str__(self) -> str:
        return f"{self.ban_id}: {self.get_region_display()}"


def keep_ban_region(sender, ban: Ban, region: str, **kwargs) -> None:
    """Keep the region chosen where the ban was registered (registry.signals.ban_region_chosen)."""
    if region:
        BanRegion.objects.update_or_create(ban=ban, defaults={"region": region})
    else:
        BanRegion.objects.filter(ban=ban).delete()


class ContactResult(models.TextChoices):
    """What came of one attempt to reach the protected person."""

    CALLED = "called", _("gebeld")
    REACHED = "reached", _("bereikt")
    WARNED = "warned", _("gewaarschuwd")
    NO_ANSWER = "no_answer", _("geen gehoor")


class VictimContact(models.Model):
    """One logged contact attempt with the protected person of an incident, shown in its timeline."""

    incident = models.ForeignKey(
        "geofence.Incident", on_delete=models.CASCADE, related_name="victim_contacts", verbose_name=_("incident")
    )
    protected_person = models.ForeignKey(
        ProtectedPerson, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("beschermd persoon")
    )
    result = models.CharField(_("resultaat"), max_length=12, choices=ContactResult.choices)
    at = models.DateTimeField(_("tijdstip contact"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("door"))
    note = models.TextField(_("notitie"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact met slachtoffer")
        verbose_name_plural = _("contacten met slachtoffers")
        ordering = ["incident", "at", "id"]

    def __str__(self) -> str:
        return f"#{self.incident_id} {self.result} {self.at:%Y-%m-%d %H:%M}"


class ChecklistTick(models.Model):
    """One ticked item of an incident's checklist (the items come from the checklist file): who and when."""

    incident = models.ForeignKey(
        "geofence.Incident", on_delete=models.CASCADE, related_name="checklist_ticks", verbose_name=_("incident")
    )
    item = models.CharField(_("stap"), max_length=40)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("door"))
    at = models.DateTimeField(_("tijdstip"))

    class Meta:
        verbose_name = _("afgevinkte stap")
        verbose_name_plural = _("afgevinkte stappen")
        constraints = [models.UniqueConstraint(fields=["incident", "item"], name="checklist_tick_once_per_item")]

    def __str__(self) -> str:
        return f"#{self.incident_id} {self.item}"


class HandoverNote(models.Model):
    """A note the outgoing operator leaves for the next shift."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("auteur")
    )
    text = models.TextField(_("tekst"))
    written_at = models.DateTimeField(_("geschreven"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("overdrachtsnotitie")
        verbose_name_plural = _("overdrachtsnotities")
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"{self.written_at:%Y-%m-%d %H:%M} {self.author_id}"
