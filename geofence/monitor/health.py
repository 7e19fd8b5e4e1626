"""Device health on the device board: silent and tampered devices first."""

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from geofence.incidents.devices import silent_after
from geofence.models import GpsState, StrapState

from .presenters import local

LOW_BATTERY_PCT = 20.0

HEALTH_RANK = {"tampered": 0, "silent": 0, "warning": 1, "ok": 2}


def health_of(status, now) -> str:
    """Return tampered, silent, warning or ok for a device status row (None: never heard from)."""
    if status is None or status.last_contact_at is None:
        return "silent"
    if status.strap_state == StrapState.TAMPERED:
        return "tampered"
    # Shown as silent once past the unscreened threshold, even before the periodic check opened an incident.
    if status.silent_since is not None or now - status.last_contact_at > silent_after(""):
        return "silent"
    low_battery = status.battery_pct is not None and status.battery_pct < LOW_BATTERY_PCT
    if low_battery or status.gps_state == GpsState.NO_FIX or not status.powered:
        return "warning"
    return "ok"


def health_label(health: str) -> str:
    return {
        "tampered": _("band gemanipuleerd"),
        "silent": _("stil"),
        "warning": _("let op"),
        "ok": _("in orde"),
    }[health]


def device_row(device, now) -> dict:
    status = getattr(device, "status", None)
    health = health_of(status, now)
    wearer = device.current_assignments[0] if device.current_assignments else None
    last_contact = status.last_contact_at if status else None
    return {
        "pk": device.pk,
        "device_id": str(device),
        "kind": device.kind,
        "person": str(wearer.person or wearer.protected_person) if wearer else _("niet gekoppeld"),
        "health": health,
        "health_label": health_label(health),
        "last_contact_local": local(last_contact) or _("nooit"),
        "last_contact_at": last_contact.isoformat() if last_contact else None,
        "silent_for": timesince(last_contact, now) if health == "silent" and last_contact else "",
        "battery_pct": round(status.battery_pct) if status and status.battery_pct is not None else None,
        "strap_label": status.get_strap_state_display() if status else "",
        "gps_label": status.get_gps_state_display() if status else "",
        "vendor": device.vendor.name,
    }


def device_rows(devices, now=None) -> list[dict]:
    """Return the device board's rows: silent and tampered first, longest silence first."""
    now = now or timezone.now()
    rows = [device_row(d, now) for d in devices]
    return sorted(rows, key=lambda r: (HEALTH_RANK[r["health"]], r["last_contact_at"] or "", r["device_id"]))


def device_facts(device, now=None) -> list[list]:
    """Return label/value pairs of one device's health for the incident page."""
    if device is None:
        return [[_("Apparaat"), _("geen")]]
    row = device_row_for_page(device, now or timezone.now())
    return [
        [_("Apparaat"), f"{row['device_id']} ({device.model or device.get_kind_display()})"],
        [_("Toestand"), row["health_label"], "health-" + row["health"]],
        [_("Laatste contact"), row["last_contact_local"]],
        [_("Batterij"), f"{row['battery_pct']}%" if row["battery_pct"] is not None else "–"],
        [_("Band"), row["strap_label"]],
        [_("GPS"), row["gps_label"]],
    ]


def device_row_for_page(device, now) -> dict:
    device.current_assignments = getattr(device, "current_assignments", [])
    return device_row(device, now)
