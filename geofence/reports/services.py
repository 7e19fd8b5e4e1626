"""Draft, send and record the OM's assessment of violation reports; every step audited."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geofence.alerts.models import POLICE_VIOLATION_OUTCOMES, AlertOutbox
from geofence.models import ZONE_TYPES, CloseOutcome, Incident
from registry.models import AuditEntry

from .facts import build_facts
from .models import Outcome, ReportBasis, ReportStatus, ViolationReport
from .pdf import render_report

VIOLATION_TYPES = ZONE_TYPES  # the violations a report to the OM can be about


class ReportStateError(Exception):
    """The report is not in a state that allows the requested step."""


def draft_report(incident: Incident, user, basis: ReportBasis, note: str = "") -> tuple[ViolationReport, bool]:
    """Return the incident's report, drafting it now if there is none (and whether it was created)."""
    if incident.type not in VIOLATION_TYPES:
        raise ReportStateError(
            _("Incident %(id)s is geen overtreding van een zone (%(type)s).")
            % {"id": incident.pk, "type": incident.type}
        )
    existing = ViolationReport.objects.filter(incident=incident).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    try:
        with transaction.atomic():
            report = ViolationReport.objects.create(
                incident=incident,
                basis=basis,
                facts=build_facts(incident, now),
                drafted_at=now,
                drafted_by=_user(user),
            )
            AuditEntry.record(user, "om_report.drafted", report, [incident.person_id], basis=basis, note=note)
    except IntegrityError:  # drafted concurrently by someone else
        return ViolationReport.objects.get(incident=incident), False
    return report, True


def refresh_facts(report: ViolationReport) -> ViolationReport:
    """Rebuild a draft's facts (later fixes, notes, police outcome); sent reports stay as sent."""
    with transaction.atomic():
        locked = ViolationReport.objects.select_for_update().select_related("incident").get(pk=report.pk)
        if locked.status == ReportStatus.DRAFTED:
            locked.facts = build_facts(locked.incident)
            locked.save(update_fields=["facts"])
    return locked


def mark_sent(report: ViolationReport, user) -> ViolationReport:
    """Freeze the facts and record that the report went to the OM."""
    now = timezone.now()
    with transaction.atomic():
        locked = ViolationReport.objects.select_for_update().select_related("incident").get(pk=report.pk)
        if locked.status != ReportStatus.DRAFTED:
            raise ReportStateError(
                _("Rapport %(id)s is al %(status)s.") % {"id": locked.pk, "status": locked.get_status_display()}
            )
        locked.facts = build_facts(locked.incident, now)
        locked.status, locked.sent_at, locked.sent_by = ReportStatus.SENT, now, _user(user)
        locked.save(update_fields=["facts", "status", "sent_at", "sent_by"])
        AuditEntry.record(user, "om_report.sent", locked, [locked.incident.person_id])
    return locked


def record_assessment(
    report: ViolationReport, user, outcome: Outcome, note: str = "", om_reference: str = "", at: datetime | None = None
) -> ViolationReport:
    """Record the OM's assessment of a sent report; it is recorded once."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = ViolationReport.objects.select_for_update().select_related("incident").get(pk=report.pk)
        if locked.status != ReportStatus.SENT:
            raise ReportStateError(
                _("Rapport %(id)s is %(status)s: alleen een verstuurd rapport.")
                % {"id": locked.pk, "status": locked.get_status_display()}
            )
        locked.status, locked.outcome, locked.assessment_note = ReportStatus.ASSESSED, outcome, note
        locked.om_reference, locked.assessed_at, locked.assessed_by = om_reference, at, _user(user)
        locked.save(
            update_fields=["status", "outcome", "assessment_note", "om_reference", "assessed_at", "assessed_by"]
        )
        AuditEntry.record(
            user, "om_report.assessed", locked, [locked.incident.person_id], outcome=outcome, om_reference=om_reference
        )
    return locked


def report_pdf(report: ViolationReport, user) -> bytes:
    persons, protected = report.incident.audit_subjects()
    AuditEntry.record(user, "om_report.exported", report, persons, protected, format="pdf")
    return render_report(report.facts, str(report.get_status_display()))


def report_json(report: ViolationReport, user) -> dict:
    persons, protected = report.incident.audit_subjects()
    AuditEntry.record(user, "om_report.exported", report, persons, protected, format="json")
    return {
        "report": {
            "id": report.pk,
            "status": report.status,
            "basis": report.basis,
            "drafted_at": report.drafted_at.isoformat(),
            "sent_at": report.sent_at.isoformat() if report.sent_at else None,
            "outcome": report.outcome,
            "assessed_at": report.assessed_at.isoformat() if report.assessed_at else None,
        },
        **report.facts,
    }


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def draft_confirmed(user=None) -> int:
    """Draft the reports of every confirmed violation that has none (catches changes made without signals)."""
    without = Incident.objects.filter(type__in=VIOLATION_TYPES, om_report__isnull=True)
    police = AlertOutbox.objects.filter(police_outcome__in=POLICE_VIOLATION_OUTCOMES).values("incident_id")
    drafted = 0
    for incident in without.filter(closed_reason=CloseOutcome.VIOLATION_CONFIRMED):
        drafted += draft_report(incident, user, ReportBasis.OPERATOR_CONFIRMED)[1]
    for incident in without.filter(pk__in=police):
        drafted += draft_report(incident, user, ReportBasis.POLICE_REPORTED)[1]
    return drafted
