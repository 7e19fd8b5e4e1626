"""Turn incidents, alerts and devices into the JSON the dashboard's scripts render."""

from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geofence.alerts.models import AlertOutbox, DeliveryState, PoliceOutcome
from geofence.models import ZONE_TYPES, IncidentState, IncidentType
from registry.enforcement import enforcement_instruction
from registry.models import RiskLevel
from registry.wording import distance_text

from .geometry import protected_location
from .labels import PoliceRegion

HIGH_PRIORITY = 2  # priority 1 and 2 get the sound cue and escalate when left waiting
WAITING_STATES = (IncidentState.OPEN, IncidentState.ESCALATED)  # nobody has acknowledged them yet
PRIORITY_CLASSES = {1: "critical", 2: "high", 3: "medium"}

# Timeline and alert actions; values not listed are shown as stored.
ACTION_LABELS = {
    "opened": gettext_lazy("geopend"),
    "escalated": gettext_lazy("geëscaleerd"),
    "acknowledged": gettext_lazy("in behandeling genomen"),
    "closed": gettext_lazy("gesloten"),
    "updated": gettext_lazy("bijgewerkt"),
    "assigned": gettext_lazy("toegewezen"),
    "note": gettext_lazy("notitie"),
    "manual_escalation": gettext_lazy("handmatig naar politie"),
    "police_acknowledged": gettext_lazy("bevestigd door politie"),
}


@lru_cache(maxsize=512)
def _label(choices, value: str, language: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def label(choices, value: str) -> str:
    """Return the translated label of a choice; cached, because the board renders hundreds per second."""
    return _label(choices, value, translation.get_language())


def local(dt, fmt: str = "%d-%m-%Y %H:%M:%S") -> str:
    return timezone.localtime(dt).strftime(fmt) if dt else ""


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def priority_fields(priority: int) -> dict:
    return {
        "priority": priority,
        "priority_label": f"P{priority}",
        "priority_class": PRIORITY_CLASSES.get(priority, "low"),
        "is_high_priority": priority <= HIGH_PRIORITY,
    }


def certainty_label(incident) -> str:
    if incident.type not in ZONE_TYPES:
        return ""
    return _("zeker") if incident.definite else _("mogelijk")


def board_row(incident, now=None) -> dict:
    """Return the board's fields of one incident (annotated by queries.annotate_context)."""
    return {
        "id": incident.pk,
        "url": f"/monitor/incidents/{incident.pk}/",
        "type": incident.type,
        "type_label": label(IncidentType, incident.type),
        "state": incident.state,
        "state_label": label(IncidentState, incident.state),
        **priority_fields(incident.priority),
        "risk": incident.monitor_risk,
        "risk_label": label(RiskLevel, incident.monitor_risk) if incident.monitor_risk else _("onbekend"),
        "definite": incident.definite,
        "certainty_label": certainty_label(incident),
        "distance_m": incident.monitor_distance_m,
        "closest_distance_m": incident.closest_distance_m,
        "eta_min": incident.eta_min,
        "person": incident.person.full_name if incident.person_id else _subject_of(incident),
        "region": incident.monitor_region,
        "region_label": label(PoliceRegion, incident.monitor_region) if incident.monitor_region else _("onbekend"),
        "opened_at": incident.opened_at.isoformat(),
        "opened_at_local": local(incident.opened_at, "%d-%m %H:%M:%S"),
        "last_fix_at_local": local(incident.last_fix.ts) if incident.last_fix_id else "",
        "position": getattr(incident, "monitor_position", None),
        "assigned_to": incident.assigned_to.get_username() if incident.assigned_to_id else "",
        "assigned_to_id": incident.assigned_to_id,
        "version": incident.version,
        **waiting_fields(incident, now or timezone.now()),
        **alert_fields(getattr(incident, "monitor_alert", None), now),
    }


def waiting_fields(incident, now) -> dict:
    """Return how long an unacknowledged incident has waited, and whether it is overdue for a P1/P2.

    Waiting counts from when the system opened the incident (created_at), not from the fix that
    caused it: a late-arriving fix does not make an incident overdue before anyone could see it.
    `escalate_at` lets the board escalate between polls, on the second.
    """
    waiting = incident.state in WAITING_STATES
    escalate_at = incident.created_at + timedelta(seconds=settings.MONITOR_ESCALATE_AFTER_SECONDS)
    escalates = waiting and incident.priority <= HIGH_PRIORITY
    return {
        "waiting": waiting,
        "waiting_since": incident.created_at.isoformat() if waiting else None,
        "waiting_s": (now - incident.created_at).total_seconds() if waiting else None,
        "escalate_at": escalate_at.isoformat() if escalates else None,
        "overdue": escalates and now >= escalate_at,
    }


def alert_fields(alert, now=None) -> dict:
    """Return the delivery state of the incident's newest police alert ("none": no alert for it)."""
    if alert is None:
        return {"delivery_state": "none", "delivery_label": _("geen melding")}
    row = delivery_row(alert, now)
    return {"delivery_state": row["state"], "delivery_label": row["state_label"]}


def undelivered_row(alert: AlertOutbox, now) -> dict:
    """Return one line of the board's undelivered-alerts banner."""
    return {
        "alert_id": str(alert.alert_id),
        "incident_id": alert.incident_id,
        "url": f"/monitor/incidents/{alert.incident_id}/",
        "change_label": action_label(alert.change),
        "priority": alert.priority,
        "created_at": alert.created_at.isoformat(),
        "age_s": (now - alert.created_at).total_seconds(),
        "attempts": alert.attempts,
        "last_error": alert.last_error[:200],
        "seen_by": alert.undelivered_seen_by,
    }


def _subject_of(incident) -> str:
    if incident.type == IncidentType.MASS_OUTAGE:
        count = len(incident.details.get("persons", []))
        return _("%(count)d personen getroffen") % {"count": count}
    return ""


def delivery_row(alert: AlertOutbox, now=None) -> dict:
    """Return the delivery state of one alert: queued, undelivered, delivered, or with the police's steps."""
    state = alert.delivery_state(now)
    if state != DeliveryState.PUBLISHED:
        label = _("niet afgeleverd") if state == DeliveryState.UNDELIVERED else _("in wachtrij")
        detail = _("poging %(n)d mislukt: %(error)s") % {"n": alert.attempts, "error": alert.last_error}
        detail = detail if alert.last_error else ""
        state = "failed" if state == DeliveryState.UNDELIVERED else "queued"
    elif alert.acknowledged_at:
        state, label = "acknowledged", _("bevestigd door politie")
        detail = " · ".join(_step_text(step) for step in alert.police_steps.all())
    else:
        state, label = "delivered", _("afgeleverd")
        detail = local(alert.published_at)
    return {
        "alert_id": str(alert.alert_id),
        "state": state,
        "state_label": str(label),
        "change": alert.change,
        "change_label": action_label(alert.change),
        "created_at": alert.created_at.isoformat(),
        "created_at_local": local(alert.created_at),
        "detail": detail,
    }


def _step_text(step) -> str:
    parts = (local(step.at, "%H:%M:%S"), label(PoliceOutcome, step.outcome), step.by, step.note)
    return " ".join(p for p in parts if p)


def timeline_row(event) -> dict:
    actor = event.actor.get_username() if event.actor_id else event.actor_name
    return {
        "kind": event.action,
        "kind_label": action_label(event.action),
        "at": event.at.isoformat(),
        "at_local": local(event.at),
        "actor": "" if actor == "system" else actor,
        "text": _event_text(event),
    }


def _event_text(event) -> str:
    """Return the note; a police step leads with its label (arrest, report…) so the timeline reads as steps."""
    outcome = event.details.get("outcome") if event.action == "police_acknowledged" else None
    if not outcome:
        return event.note
    return " – ".join(p for p in (label(PoliceOutcome, outcome), event.note) if p)


def fix_point(fix) -> dict:
    return {
        "lat": fix.lat,
        "lon": fix.lon,
        "accuracy_m": fix.accuracy_m,
        "at_local": local(fix.ts, "%H:%M:%S"),
    }


def zone_shapes(bans) -> list[dict]:
    """Return the zones to draw: circles as centre and radius in metres (never a polygon approximation)."""
    shapes = []
    for ban in bans:
        label = f"{ban.get_kind_display()} · {ban.zone_description or ban.decision.reference}"
        base = {"kind": ban.kind, "label": label}
        if ban.zone_shape == "circle" and ban.centre_lat is not None:
            centre = {"lat": ban.centre_lat, "lon": ban.centre_lon}
            shapes.append(base | centre | {"shape": "circle", "radius_m": ban.effective_radius_m})
        elif ban.zone_geojson:
            shapes.append(base | {"shape": "polygon", "geojson": ban.zone_geojson})
    return shapes


def map_data(incident, bans, track, show_protected: bool) -> dict:
    target = protected_location(incident) if show_protected else None
    last = incident.last_fix or (track[-1] if track else None)
    return {
        "zones": zone_shapes(bans),
        "protected": {"lat": target[0], "lon": target[1], "label": _("beschermde locatie")} if target else None,
        "track": [fix_point(f) for f in track],
        "last_fix": fix_point(last) | {"label": _("laatste positie %(at)s") % {"at": local(last.ts, "%H:%M:%S")}}
        if last
        else None,
    }


def yes_no(value: bool) -> str:
    return _("ja") if value else _("nee")


def ban_facts(incident, bans) -> list[list]:
    """Return label/value pairs about the ban and its decision, including what the police may do."""
    ban = incident.ban or (bans[0] if bans else None)
    facts = []
    if incident.person_id:
        person = incident.person
        born = person.date_of_birth.strftime("%d-%m-%Y") if person.date_of_birth else _("onbekend")
        facts.append([_("Persoon"), f"{person.full_name} ({born})"])
    if ban is None:
        return facts
    decision = ban.decision
    facts += [
        [_("Verbod"), f"{ban.get_kind_display()} · {ban.get_status_display()}"],
        [_("Zone"), _zone_text(ban)],
        [_("Geldig"), f"{local(ban.valid_from, '%d-%m-%Y')} – {local(ban.valid_until, '%d-%m-%Y') or _('onbepaald')}"],
        [_("Beslissing"), _decision_text(decision)],
        [_("Grondslag"), decision.get_legal_basis_display()],
        [_("Dadelijk uitvoerbaar"), yes_no(decision.dut)],
        [_("Risico (SASH)"), decision.get_sash_risk_display() or _("onbekend")],
        [_("Handelwijze politie"), enforcement_instruction(decision)],
    ]
    return facts


def _decision_text(decision) -> str:
    return f"{decision.get_authority_display()} · {decision.reference} · {decision.decision_date:%d-%m-%Y}"


def _zone_text(ban) -> str:
    if ban.zone_shape == "circle":
        text = _("cirkel van %(distance)s") % {"distance": distance_text(ban.effective_radius_m)}
    else:
        text = ban.get_zone_shape_display() or "–"
    return f"{text} · {ban.zone_description}" if ban.zone_description else text
