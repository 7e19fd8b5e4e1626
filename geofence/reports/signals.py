"""Draft a report as soon as a violation is confirmed: by an operator closing it so, or by the police."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from geofence.alerts.models import POLICE_VIOLATION_OUTCOMES, AlertOutbox
from geofence.models import CloseOutcome, Incident

from . import services
from .models import ReportBasis


@receiver(post_save, sender=Incident, dispatch_uid="reports_incident_saved")
def incident_saved(sender, instance: Incident, raw: bool = False, **kwargs) -> None:
    if (
        not raw
        and instance.closed_reason == CloseOutcome.VIOLATION_CONFIRMED
        and instance.type in services.VIOLATION_TYPES
    ):
        services.draft_report(instance, None, ReportBasis.OPERATOR_CONFIRMED)


@receiver(post_save, sender=AlertOutbox, dispatch_uid="reports_alert_saved")
def alert_saved(sender, instance: AlertOutbox, raw: bool = False, **kwargs) -> None:
    if raw or instance.police_outcome not in POLICE_VIOLATION_OUTCOMES:
        return
    incident = Incident.objects.filter(pk=instance.incident_id, type__in=services.VIOLATION_TYPES).first()
    if incident is not None:
        services.draft_report(incident, None, ReportBasis.POLICE_REPORTED)
