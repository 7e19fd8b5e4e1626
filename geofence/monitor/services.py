"""Operator actions on an incident: each checked against the version the operator saw, timed, and audited.

State changes (acknowledge, escalate, close) go through the incident state
machine in geofence.incidents.services.change_state, which locks the row,
compares the version and writes the timeline row and the police alert.
Assignments and notes change no state, so they are a conditional
`UPDATE … SET version = version + 1 WHERE id = … AND version = seen` here.
Either way a change by someone else since the operator looked is refused with
who made it, never applied over a state the operator did not see.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from geofence.alerts.message import build_alert_message
from geofence.alerts.outbox import enqueue_alert
from geofence.incidents.services import StaleIncident, add_timeline_entry, change_state
from geofence.incidents.states import Action, TransitionRefused
from geofence.models import CloseOutcome, Incident, IncidentState
from geofence.models.incidents import NOTE_MAX_LENGTH
from registry.models import AuditEntry

from .access import is_monitor_user


class ActionError(Exception):
    """An action the operator must correct or reconsider; `status` is the HTTP answer."""

    status = 422

    def __init__(self, message: str, **extra) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class StaleVersion(ActionError):
    status = 409


def acknowledge(incident_id: int, user, seen_version: int) -> Incident:
    """Mark the incident as being handled by the monitoring centre."""
    return _change_state(incident_id, user, seen_version, Action.ACKNOWLEDGE)


def escalate(incident_id: int, user, seen_version: int, note: str = "") -> Incident:
    """Send the incident to the police now, through the outbox; mark it escalated where the table allows."""
    note = _checked_note(note, "note")
    incident = _current(incident_id, seen_version)
    if incident.state == IncidentState.CLOSED:
        raise ActionError(_("Een gesloten incident kan niet meer worden geëscaleerd."))
    if incident.state != IncidentState.ESCALATED:
        return _change_state(incident_id, user, seen_version, Action.ESCALATE, note=note or _("handmatig geëscaleerd"))
    # Already escalated: the operator wants the police told again, which is no state change.
    return _bump(incident, user, seen_version, "manual_escalation", note=note, alert=True)


def close(incident_id: int, user, seen_version: int, outcome: str, note: str = "") -> Incident:
    """Close the incident with one of the outcomes; the police hear that it is closed."""
    if outcome not in CloseOutcome.values:
        raise ActionError(_("Kies een uitkomst om het incident te sluiten."), field="outcome")
    note = _checked_note(note, "note")
    return _change_state(incident_id, user, seen_version, Action.CLOSE, note=note, reason=outcome)


def assign(incident_id: int, user, seen_version: int, operator_id) -> Incident:
    """Make an operator or supervisor responsible for the incident."""
    operator = get_user_model().objects.filter(pk=_int_or_none(operator_id), is_active=True).first()
    if operator is None or not is_monitor_user(operator):
        raise ActionError(_("Kies een actieve meldkamermedewerker."), field="operator")
    incident = _current(incident_id, seen_version)
    if incident.state == IncidentState.CLOSED:
        raise ActionError(_("Een gesloten incident kan niet meer worden toegewezen."))
    name = operator.get_username()
    note = _("toegewezen aan %(name)s") % {"name": name}
    return _bump(incident, user, seen_version, "assigned", note=note, changes={"assigned_to": operator}, operator=name)


def add_note(incident_id: int, user, seen_version: int, text: str) -> Incident:
    """Add an operator's note to the timeline."""
    text = _checked_note(text, "text")
    if not text:
        raise ActionError(_("Een notitie mag niet leeg zijn."), field="text")
    return _bump(_current(incident_id, seen_version), user, seen_version, "note", note=text)


def _checked_note(note: str, field: str) -> str:
    """Return the note without surrounding space; refuse one over NOTE_MAX_LENGTH, naming the field."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ActionError(_("Een notitie is hoogstens %(n)d tekens.") % {"n": NOTE_MAX_LENGTH}, field=field)
    return note


def _current(incident_id: int, seen_version: int) -> Incident:
    """Return the incident, refusing at once when the version seen is not the current one."""
    incident = Incident.objects.select_related("ban__decision", "person", "last_fix", "device").get(pk=incident_id)
    if incident.version != seen_version:
        raise stale(incident)
    return incident


def _change_state(incident_id, user, seen_version, action: Action, note: str = "", reason: str = "") -> Incident:
    incident = _current(incident_id, seen_version)
    try:
        with transaction.atomic():
            changed = change_state(
                incident, action, actor=user, expected_version=seen_version, note=note, reason=reason
            )
            _audit(user, action.value, changed, outcome=reason)
    except StaleIncident as refused:
        raise stale(refused.incident) from None
    except TransitionRefused:
        message = _("Deze actie kan niet bij een incident met status '%(state)s'.")
        raise ActionError(message % {"state": incident.get_state_display()}) from None
    return changed


@transaction.atomic
def _bump(incident, user, seen_version, action: str, note="", changes=None, alert=False, **details) -> Incident:
    """Raise the version if it is still the one seen; add the timeline line, the audit entry and any alert."""
    updated = Incident.objects.filter(pk=incident.pk, version=seen_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **(changes or {})
    )
    if updated != 1:
        raise stale(Incident.objects.get(pk=incident.pk))
    incident.refresh_from_db()
    add_timeline_entry(incident, action, at=timezone.now(), actor=user, note=note, **details)
    if alert:
        message = build_alert_message(incident, action)
        enqueue_alert(incident_id=incident.pk, change=action, priority=incident.priority, message=message)
    _audit(user, action, incident, **details)
    return incident


def _audit(user, action: str, incident: Incident, **details) -> None:
    person_ids = [incident.person_id] if incident.person_id else []
    details = {k: v for k, v in details.items() if v}
    AuditEntry.record(
        user, f"incident.{action}", target=incident, person_ids=person_ids, version=incident.version, **details
    )


def stale(incident: Incident) -> StaleVersion:
    """Return the refusal for a stale action, naming who changed the incident last."""
    # The last line that changed something: system lines such as "repeated" raise no version.
    changes = incident.timeline.filter(Q(actor__isnull=False) | ~Q(from_state=F("to_state")))
    last = changes.order_by("-id").first()
    who = last.actor_name if last and last.actor_name != "system" else _("het systeem")
    message = _("Dit incident is intussen gewijzigd door %(who)s; ververs de pagina.") % {"who": who}
    return StaleVersion(message, current_version=incident.version, changed_by=who)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
