"""The alert message for the police queue: self-contained, versioned JSON built from one incident.

A first version; the schema in docs/ and its validation come with the police-queue work.
"""

from django.utils import translation
from django.utils.translation import gettext as _

SCHEMA_VERSION = 1


def build_alert_message(incident, change: str) -> dict:
    """Return the message telling the police about one state change of the incident (Dutch texts)."""
    with translation.override("nl"):
        return {
            "schema_version": SCHEMA_VERSION,
            "incident": {
                "id": incident.pk,
                "type": incident.type,
                "type_label": str(incident.get_type_display()),
                "state": incident.state,
                "change": change,
                "definite": incident.definite,
                "opened_at": _iso(incident.opened_at),
                "closed_at": _iso(incident.closed_at),
                "closed_reason": incident.closed_reason,
            },
            "priority": incident.priority,
            "subject": _subject(incident.person),
            "ban": _ban(incident.ban),
            "enforcement": _enforcement(incident.ban),
            "last_fix": _fix(incident.last_fix),
            "distance_to_protected_m": _round(incident.closest_distance_m),
            "deepest_intrusion_m": _round(incident.deepest_intrusion_m),
            "eta_minutes": _round(incident.eta_min, 1),
            "device": _device(incident.device),
            "details": incident.details,
            "dashboard_url": incident.dashboard_url,
        }


def _subject(person) -> dict | None:
    if person is None:
        return None
    return {
        "id": person.pk,
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
        "summary": f"{ban.get_kind_display()}: {ban.zone_description or _('zone rond beschermde persoon')}",
        "valid_from": _iso(ban.valid_from),
        "valid_until": _iso(ban.valid_until),
        "legal_basis": decision.legal_basis,
        "legal_basis_label": str(decision.get_legal_basis_display()),
        "reference": decision.reference,
        "risk": decision.sash_risk,
    }


def _enforcement(ban) -> dict | None:
    """Word what the police may do. Local until registry.enforcement (lookup work) is merged; then use that."""
    if ban is None:
        return None
    if ban.decision.arrest_possible:
        text = _(
            "Aanhouding mogelijk: overtreding van deze gedragsaanwijzing (art. 509hh Sv) is zelf een strafbaar "
            "feit (art. 184a Sr). Bij heterdaad kunt u aanhouden. Meld de overtreding ook aan het OM."
        )
        return {"code": "arrest_possible", "text": text}
    text = _("Meld de overtreding aan het Openbaar Ministerie (OM); het OM beoordeelt elke melding.")
    return {"code": "report_to_om", "text": text}


def _fix(fix) -> dict | None:
    if fix is None:
        return None
    return {"ts": _iso(fix.ts), "lat": fix.lat, "lon": fix.lon, "accuracy_m": fix.accuracy_m}


def _device(device) -> dict | None:
    if device is None:
        return None
    status = getattr(device, "status", None)
    return {
        "id": device.device_id,
        "vendor": device.vendor.slug,
        "kind": device.kind,
        "last_contact_at": _iso(status.last_contact_at) if status else None,
        "battery_pct": status.battery_pct if status else None,
        "strap_state": status.strap_state if status else None,
        "gps_state": status.gps_state if status else None,
    }


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _round(value, digits: int = 0):
    if value is None:
        return None
    return round(value, digits) if digits else round(value)
