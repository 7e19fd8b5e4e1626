"""The overview map: open incidents by priority and the devices' last positions, filtered like the board.

Incidents come from the board's own queries (queries.board_incidents and
board_fingerprint), so whatever limits the board (filters, the operator's
scope) limits the map too. Devices come from queries.monitored_devices.
"""

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from geofence.models import DeviceKind, DeviceStatus, IncidentType, StrapState

from . import health, queries
from .labels import PoliceRegion
from .presenters import label, local, priority_fields

DEVICE_SHOW = ("all", "problems", "none")  # the map's device filter; "all" is the default


def incident_points(incidents) -> list[dict]:
    """Return the incidents that have a position, highest priority first (the board's order)."""
    points = []
    for incident in incidents:
        position = getattr(incident, "monitor_position", None)
        if position is None:
            continue
        points.append(
            {
                "id": incident.pk,
                "url": incident.get_absolute_url(),
                **priority_fields(incident.priority),
                "type": incident.type,
                "type_label": str(incident.get_type_display()),
                "state_label": str(incident.get_state_display()),
                "person": incident.person.full_name if incident.person_id else "",
                "region": incident.monitor_region,
                "at_local": local(incident.last_fix.ts, "%d-%m %H:%M:%S"),
                **position,
            }
        )
    return points


def device_points(user, region: str, show: str, see_victims: bool, now=None) -> list[dict]:
    """Return the devices in use with a last position: where, how old, in what state.

    A victim's unit is left out for users who may not see protected persons: its
    position is where the victim is.
    """
    if show == "none":
        return []
    now = now or timezone.now()
    devices = [d for d in queries.monitored_devices(user).select_related("status__last_fix") if _placed(d)]
    if not see_victims:
        devices = [d for d in devices if d.kind != DeviceKind.VICTIM_UNIT]
    regions = queries.person_regions([a.person_id for d in devices for a in d.current_assignments if a.person_id])
    points = []
    for device in devices:
        point = _device_point(device, regions, now)
        if region and point["region"] not in (region, ""):
            continue  # unknown region matches every filter, as on the board
        if show == "problems" and point["health"] == "ok":
            continue
        points.append(point)
    return points


def devices_fingerprint() -> str:
    """Return a cheap token of the devices' states: it changes when one turns silent, tampered or back.

    Positions alone do not change it (thousands of devices move every minute);
    the board's time bucket refreshes them every REFRESH_SECONDS.
    """
    figures = DeviceStatus.objects.filter(device__active=True).aggregate(
        n=Count("device_id"),
        silent=Count("device_id", filter=Q(silent_since__isnull=False)),
        tampered=Count("device_id", filter=Q(strap_state=StrapState.TAMPERED)),
        since=Max("silent_since"),
    )
    return str(figures)


def type_choices() -> list:
    return [("", _("alle"))] + IncidentType.choices


def region_choices() -> list:
    return [("", _("alle"))] + PoliceRegion.choices


def _placed(device) -> bool:
    status = getattr(device, "status", None)
    return status is not None and status.last_fix_id is not None


def _device_point(device, regions: dict, now) -> dict:
    row = health.device_row(device, now)
    wearer = device.current_assignments[0] if device.current_assignments else None
    fix = device.status.last_fix
    region = regions.get(wearer.person_id, "") if wearer and wearer.person_id else ""
    return {
        "device_id": row["device_id"],
        "kind": device.kind,
        "kind_label": label(DeviceKind, device.kind),
        "person": row["person"],
        "health": row["health"],
        "health_label": row["health_label"],
        "region": region,
        "lat": fix.lat,
        "lon": fix.lon,
        "fix_at": fix.ts.isoformat(),
        "fix_at_local": local(fix.ts, "%d-%m %H:%M:%S"),
        "age_s": max((now - fix.ts).total_seconds(), 0.0),
    }
