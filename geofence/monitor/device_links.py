"""Links on the device board: each device's open incident and last position (two queries for all devices)."""

from geofence.models import Fix, Incident, IncidentType

from .presenters import label, local


def add_links(rows: list[dict], devices) -> list[dict]:
    """Add to each device row its wearer's id, its open incident and its last position."""
    devices = {d.pk: d for d in devices}
    incidents = {}
    for incident in Incident.objects.active().filter(device_id__in=list(devices)).order_by("priority", "opened_at"):
        incidents.setdefault(incident.device_id, incident)
    fix_ids = [d.status.last_fix_id for d in devices.values() if getattr(d, "status", None) and d.status.last_fix_id]
    fixes = {f.pk: f for f in Fix.objects.filter(pk__in=fix_ids).only("id", "lat", "lon", "ts", "accuracy_m")}
    for row in rows:
        device = devices[row["pk"]]
        incident = incidents.get(device.pk)
        status = getattr(device, "status", None)
        fix = fixes.get(status.last_fix_id) if status else None
        row["incident"] = _incident(incident)
        row["last_position"] = _position(fix, incident)
    return rows


def _incident(incident) -> dict | None:
    if incident is None:
        return None
    text = f"#{incident.pk} {label(IncidentType, incident.type)} ({incident.get_state_display()})"
    return {"id": incident.pk, "url": incident.get_absolute_url(), "text": text}


def _position(fix, incident) -> dict | None:
    """Return the last fix as text, linked to the incident's map (or a geo: link when no incident is open)."""
    if fix is None:
        return None
    text = f"{local(fix.ts, '%d-%m %H:%M')} · {fix.lat:.5f}, {fix.lon:.5f}"
    url = incident.get_absolute_url() + "#map" if incident else f"geo:{fix.lat:.6f},{fix.lon:.6f}"
    return {"text": text, "url": url, "lat": fix.lat, "lon": fix.lon}
