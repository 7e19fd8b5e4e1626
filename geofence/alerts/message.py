"""The alert message for the police queue: self-contained, versioned JSON built from one incident.

The shape is docs/alert-message.schema.json (SCHEMA_VERSION comes from it);
tests validate every incident type against it.
"""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from registry.enforcement import basis_enforcement
from registry.lookup.serializers import zone_description

from .schema import SCHEMA_VERSION

PRIORITY_LABELS = {1: N_("zeer urgent"), 2: N_("urgent"), 3: N_("hoog"), 4: N_("normaal"), 5: N_("laag")}
CHANGE_LABELS = {
    "opened": N_("geopend"),
    "escalated": N_("geëscaleerd"),
    "acknowledged": N_("in behandeling"),
    "closed": N_("gesloten"),
}


def build_alert_message(incident, change: str) -> dict:
    """Return the message telling the police about one state change of the incident (Dutch texts)."""
    with translation.override("nl"):
        return {
            "schema_version": SCHEMA_VERSION,
            "created_at": timezone.now().isoformat(),
            "incident": _incident(incident, change),
            "priority": {"level": incident.priority, "label": _(PRIORITY_LABELS.get(incident.priority, "onbekend"))},
            "subject": _subject(incident.person),
            "ban": _ban(incident.ban),
            "enforcement": enforcement_block(incident.ban.decision.legal_basis if incident.ban else None),
            "last_fix": _fix(incident.last_fix),
            "proximity": {
                "distance_m": _round(incident.closest_distance_m),
                "eta_minutes": _round(incident.eta_min, 1),
            },
            "device": _device(incident.device),
            "dashboard_url": incident.dashboard_url,
        }


def enforcement_block(legal_basis: str | None) -> dict:
    """Return the message's enforcement block for a ban's legal basis (None: no ban known), in the active language."""
    found = basis_enforcement(legal_basis)
    return {
        "arrest_possible": found.arrest_possible,
        "legal_article": found.article,
        "report_to_om": True,
        "instruction": found.text,
    }


def _incident(incident, change: str) -> dict:
    from geofence.models.incidents import ZONE_TYPES

    return {
        "id": incident.pk,
        "type": incident.type,
        "type_label": str(incident.get_type_display()),
        "change": change,
        "change_label": _(CHANGE_LABELS.get(change, change)),
        "verdict": ("definite" if incident.definite else "possible") if incident.type in ZONE_TYPES else None,
        "opened_at": _iso(incident.opened_at),
        "closed_at": _iso(incident.closed_at),
        "closed_reason": incident.closed_reason,
        "details": incident.details or {},
    }


def _subject(person) -> dict | None:
    if person is None:
        return None
    return {
        "person_id": person.pk,
        "name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
    }


def _ban(ban) -> dict | None:
    if ban is None:
        return None
    decision = ban.decision
    return {
        "id": ban.pk,
        "kind": ban.kind,
        "kind_label": str(ban.get_kind_display()),
        # The generated text, never the registrar's: free text may name the victim's street, and the
        # police queue's readers may not see protected persons (docs/need-to-know.md).
        "summary": f"{ban.get_kind_display()}: {zone_description(ban, full=False) or _('zie beslissing')}",
        "legal_basis": decision.legal_basis,
        "legal_basis_label": str(decision.get_legal_basis_display()),
        "authority": decision.authority,
        "decision_reference": decision.reference,
        "valid_until": _iso(ban.valid_until),
        "dut": decision.dut,
        "sash_risk": decision.sash_risk,
    }


def _fix(fix) -> dict | None:
    if fix is None:
        return None
    return {"time": _iso(fix.ts), "lat": fix.lat, "lon": fix.lon, "accuracy_m": fix.accuracy_m}


def _device(device) -> dict | None:
    if device is None:
        return None
    status = getattr(device, "status", None)
    code = _device_status(status)
    return {
        "id": device.device_id,
        "status": code,
        "battery_pct": status.battery_pct if status else None,
        "last_seen_at": _iso(status.last_contact_at) if status else None,
    }


def _device_status(status) -> str:
    """Reduce the device board's row to one word, the most serious first."""
    if status is None:
        return "unknown"
    if status.strap_state == "tampered":
        return "tamper"
    if status.silent_since is not None:
        return "silent"
    if status.battery_pct is not None and status.battery_pct <= settings.GEOFENCE_BATTERY_CRITICAL_PCT:
        return "battery_critical"
    if status.gps_state == "no_fix":
        return "no_fix"
    return "ok"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _round(value, digits: int = 0):
    if value is None:
        return None
    return round(value, digits) if digits else round(value)
