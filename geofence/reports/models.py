"""A report to the OM per confirmed violation, and the OM's assessment of it."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geofence.models import Incident


class ReportBasis(models.TextChoices):
    OPERATOR_CONFIRMED = "operator_confirmed", _("door operator bevestigd")
    POLICE_REPORTED = "police_reported", _("door politie gemeld")


class ReportStatus(models.TextChoices):
    DRAFTED = "drafted", _("concept")
    SENT = "sent", _("naar het OM gestuurd")
    ASSESSED = "assessed", _("beoordeeld")


class Outcome(models.TextChoices):
    PROSECUTION = "prosecution", _("vervolging")
    WARNING = "warning", _("waarschuwing")
    EXECUTION = "execution", _("tenuitvoerlegging voorwaardelijke straf / vervangende hechtenis")
    NO_FURTHER_ACTION = "no_further_action", _("geen verdere actie")


class ReportQuerySet(models.QuerySet):
    def assessment_overdue(self, at=None, days: int | None = None):
        """Return reports sent to the OM but not assessed within `days` (OM_ASSESSMENT_DUE_DAYS)."""
        at = at or timezone.now()
        days = settings.OM_ASSESSMENT_DUE_DAYS if days is None else days
        return self.filter(status=ReportStatus.SENT, sent_at__lte=at - timedelta(days=days))


class ViolationReport(models.Model):
    """The facts an OM assessor needs about one violation; frozen once sent."""

    incident = models.OneToOneField(
        Incident, on_delete=models.PROTECT, related_name="om_report", verbose_name=_("incident")
    )
    basis = models.CharField(_("grond"), max_length=20, choices=ReportBasis.choices)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFTED)
    # The report's content (see facts.py); rebuilt while drafted, frozen when sent.
    facts = models.JSONField(_("feiten"))
    drafted_at = models.DateTimeField(_("opgesteld op"))
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("naar OM gestuurd op"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("beoordeling"), max_length=20, choices=Outcome.choices, blank=True)
    assessment_note = models.TextField(_("toelichting OM"), blank=True)
    om_reference = models.CharField(_("kenmerk OM"), max_length=60, blank=True)
    assessed_at = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapport aan het OM")
        verbose_name_plural = _("rapporten aan het OM")
        ordering = ["-drafted_at", "-id"]
        indexes = [models.Index(fields=["status", "sent_at"])]

    def __str__(self) -> str:
        return f"OM-rapport incident #{self.incident_id} ({self.get_status_display()})"

    @property
    def filename_stem(self) -> str:
        return f"om-rapport-incident-{self.incident_id}"
