"""The alert message for the police queue: self-contained, versioned JSON built from one incident.

The shape is docs/alert-message.schema.json (SCHEMA_VERSION comes from it);
tests validate every incident type against it. What goes in is decided in
docs/need-to-know.md: where the subject is, how urgent, what the ban allows;
never the protected location, nor a distance or arrival time from which a
series of messages would give it away.
"""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from geofence.models import DeviceAssignment, DeviceKind, DeviceStatus, IncidentType
from geofence.models.incidents import ZONE_TYPES
from geofence.places.nearest import nearest_place
from geofence.places.words import place_fields
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
            "last_fix": _subject_position(subject_fix(incident, change)),
            "victim_position": _fix(victim_fix(incident)),
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


def subject_fix(incident, change: str):
    """Return the subject's last known fix for the message, or None.

    The incident's own fix where it has one; for device incidents the newest
    fix of the device or of another device the subject wears. A zone
    incident's closing message carries none: the subject has just left the
    zone, so that fix lies on its edge, and with the opening fix (also on the
    edge) it would place the protected location. Dispatch does not need it to
    stand down.
    """
    if change == "closed" and incident.type in ZONE_TYPES:
        return None
    if incident.last_fix_id and incident.type != IncidentType.PANIC:
        return incident.last_fix
    devices = _worn_devices(incident.person_id)
    if incident.device_id and incident.type != IncidentType.PANIC:
        devices.add(incident.device_id)
    return _newest_fix(devices)


def victim_fix(incident):
    """Return the victim unit's last fix for a panic alert (dispatch must go there), else None."""
    if incident.type != IncidentType.PANIC or incident.device_id is None:
        return None
    return _newest_fix({incident.device_id})


def _worn_devices(person_id: int | None) -> set[int]:
    if person_id is None:
        return set()
    current = DeviceAssignment.objects.at(timezone.now()).filter(person_id=person_id)
    return set(current.exclude(device__kind=DeviceKind.VICTIM_UNIT).values_list("device_id", flat=True))


def _newest_fix(device_ids: set[int]):
    status = (
        DeviceStatus.objects.filter(device_id__in=device_ids, last_fix__isnull=False)
        .select_related("last_fix")
        .order_by("-last_fix_at")
        .first()
    )
    return status.last_fix if status else None


def _subject_position(fix) -> dict | None:
    """Return the subject's fix with the nearest place in words ("2,3 km NO van Gouda").

    Only the subject's own position gets a place: it names where he is, which the
    coordinates already say. The victim unit's position (panic) gets none.
    """
    position = _fix(fix)
    if position is not None:
        position["place"] = place_fields(nearest_place(fix.lat, fix.lon))
    return position


def _fix(fix) -> dict | None:
    if fix is None:
        return None
    age = (timezone.now() - fix.ts).total_seconds()
    return {
        "time": _iso(fix.ts),
        "age_s": round(max(age, 0.0)),
        "lat": fix.lat,
        "lon": fix.lon,
        "accuracy_m": fix.accuracy_m,
    }


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
