"""Open, change and close incidents: each state change is a timeline row and, where the table says so, an alert.

Call these inside a transaction: the incident row, its timeline row and the
outbox row commit together or not at all.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from geofence.models import Incident, IncidentEvent, IncidentType
from registry.models import Ban, RiskLevel

from .priority import compute_priority
from .signals import announce
from .states import Action, move

SYSTEM = "system"


class StaleIncident(Exception):
    """The incident changed since the version the caller saw."""

    def __init__(self, incident: Incident, expected: int) -> None:
        self.incident = incident
        self.expected = expected
        super().__init__(
            f"Incident {incident.pk} is intussen gewijzigd (versie {incident.version}, u zag versie {expected}). "
            "Laad het incident opnieuw."
        )


def open_incident(*, type: str, at: datetime, actor=None, details: dict | None = None, **fields) -> Incident:
    """Create an incident in state open, with its first timeline row and its alert."""
    incident = Incident(type=type, opened_at=at, details=details or {}, **fields)
    incident.priority = priority_of(incident)
    incident.save()
    _record(incident, Action.OPEN, None, at, actor, move(None, Action.OPEN).alert)
    return incident


def change_state(
    incident: Incident,
    action: Action,
    *,
    at: datetime | None = None,
    actor=None,
    reason: str = "",
    note: str = "",
    expected_version: int | None = None,
    **fields,
) -> Incident:
    """Apply an action from the state table to the locked row; return the updated incident.

    `fields` are set together with the state (e.g. definite=True on escalation).
    Raise StaleIncident when `expected_version` is given and no longer current,
    TransitionRefused when the table does not allow the action.
    """
    at = at or timezone.now()
    with transaction.atomic():
        locked = (
            Incident.objects.select_for_update(of=("self",))
            .select_related("ban__decision", "person", "device__vendor", "device__status", "last_fix")
            .get(pk=incident.pk)
        )
        if expected_version is not None and locked.version != expected_version:
            raise StaleIncident(locked, expected_version)
        step = move(locked.state, action)
        from_state = locked.state
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.state = step.to
        if action == Action.ESCALATE:
            locked.notify_police = True  # escalating means telling the police, whoever asks for it
        if action == Action.CLOSE:
            # A late fix or event can carry a time before the incident opened: it never closes earlier than that.
            locked.closed_at, locked.closed_reason = max(at, locked.opened_at), reason
        locked.version += 1
        locked.priority = priority_of(locked)
        locked.save()
        _record(locked, action, from_state, at, actor, step.alert, note=note, reason=reason)
    return locked


def add_timeline_entry(incident: Incident, action: str, *, at: datetime, actor=None, note: str = "", **details):
    """Append a non-state line (update, assignment, note) to the incident's timeline."""
    return IncidentEvent.objects.create(
        incident=incident,
        action=action,
        from_state=incident.state,
        to_state=incident.state,
        at=at,
        actor=_user(actor),
        actor_name=_actor_name(actor),
        note=note,
        details=details,
    )


def _record(incident, action, from_state, at, actor, alert: bool, note: str = "", reason: str = "") -> None:
    IncidentEvent.objects.create(
        incident=incident,
        action=action.value,
        from_state=from_state or "",
        to_state=incident.state,
        at=at,
        actor=_user(actor),
        actor_name=_actor_name(actor),
        note=note,
        details={"reason": reason} if reason else {},
    )
    if alert and incident.notify_police:
        announce(incident, action.value)  # the alerts app writes the outbox row in this transaction


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) is not None else None


def _actor_name(actor) -> str:
    if actor is None:
        return SYSTEM
    return actor.get_username() if hasattr(actor, "get_username") else str(actor)


def priority_of(incident: Incident) -> int:
    """Return the priority the incident's facts call for."""
    ban = incident.ban
    risk = ban.decision.sash_risk if ban is not None else person_risk(incident.person_id)
    return compute_priority(
        incident.type,
        risk=risk,
        ban_kind=ban.kind if ban is not None else None,
        definite=incident.definite,
        distance_m=incident.closest_distance_m,
        eta_min=incident.eta_min,
    )


def person_risk(person_id: int | None, at: datetime | None = None) -> str:
    """Return the highest SASH risk over the person's bans in force ('' when unscreened or unknown)."""
    if person_id is None:
        return ""
    risks = Ban.objects.in_force(at).filter(person_id=person_id).values_list("decision__sash_risk", flat=True)
    return max(risks, key=RiskLevel.rank, default="")


def active_incident(type: str, **keys) -> Incident | None:
    return Incident.objects.active().filter(Q(type=type), **keys).first()


__all__ = [
    "Action",
    "IncidentType",
    "StaleIncident",
    "active_incident",
    "add_timeline_entry",
    "change_state",
    "open_incident",
    "person_risk",
    "priority_of",
]
