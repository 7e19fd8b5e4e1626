"""Collect the facts of a violation that an OM assessor needs, as one JSON-ready dict.

The PDF is laid out from this dict and the JSON export is this dict: the two
never disagree.
"""

from datetime import datetime, timedelta

import numpy as np
from django.utils import timezone, translation
from pyproj import Geod
from shapely.geometry import Point, shape

from geofence.alerts.models import AlertOutbox
from geofence.models import DeviceEvent, Fix, Incident
from registry.models import Ban, ZoneShape

FACTS_SCHEMA = "banwatch.om_report/1"
# Fixes and device events this long before entry and after exit give the context of the violation.
CONTEXT = timedelta(minutes=15)
MAX_TRACK_FIXES = 5000
GEOD = Geod(ellps="WGS84")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def build_facts(incident: Incident, at: datetime | None = None) -> dict:
    """Return the report's facts for the incident, as of `at` (default now)."""
    at = at or timezone.now()
    ban = incident.ban
    entry, exit_ = incident.opened_at, incident.closed_at if incident.closed_reason == "exit" else None
    track = _track(incident, ban, entry - CONTEXT, (incident.closed_at or at) + CONTEXT)
    return {
        "schema": FACTS_SCHEMA,
        "generated_at": _iso(at),
        "incident": _incident(incident),
        "person": _person(incident),
        "protected_person": _protected(incident),
        "ban": _ban(ban) if ban is not None else None,
        "times": {
            "entry": _iso(entry),
            "exit": _iso(exit_),
            "duration_s": (exit_ - entry).total_seconds() if exit_ else None,
        },
        "closest_approach": _closest(incident, track),
        "deepest_intrusion_m": incident.deepest_intrusion_m,
        "device": _device(incident),
        "track": track,
        "device_events": _device_events(incident, entry - CONTEXT, (incident.closed_at or at) + CONTEXT),
        "timeline": _timeline(incident),
        "police": _police(incident),
    }


def _incident(incident: Incident) -> dict:
    return {
        "id": incident.pk,
        "type": incident.type,
        "type_label": str(incident.get_type_display()),
        "state": incident.state,
        "definite": incident.definite,
        "opened_at": _iso(incident.opened_at),
        "closed_at": _iso(incident.closed_at),
        "closed_reason": incident.closed_reason,
        "fix_count": incident.fix_count,
        "priority": incident.priority,
    }


def _person(incident: Incident) -> dict | None:
    person = incident.person
    if person is None:
        return None
    return {
        "id": person.pk,
        "name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "strafrechtketennummer": person.strafrechtketennummer,
        "cjib_reference": person.cjib_reference,
    }


def _protected(incident: Incident) -> dict | None:
    pp = incident.protected_person
    return {"id": pp.pk, "name": pp.full_name} if pp is not None else None


def _ban(ban: Ban) -> dict:
    decision = ban.decision
    return {
        "id": ban.pk,
        "kind": ban.kind,
        "kind_label": str(ban.get_kind_display()),
        "reference": decision.reference,
        "authority": str(decision.get_authority_display()),
        "legal_basis": decision.legal_basis,
        "legal_basis_label": str(decision.get_legal_basis_display()),
        "decision_date": decision.decision_date.isoformat(),
        "dut": decision.dut,
        "arrest_possible": decision.arrest_possible,
        "valid_from": _iso(ban.valid_from),
        "valid_until": _iso(ban.valid_until),
        "zone": _zone(ban),
        "legal": _legal(ban),
    }


def _legal(ban: Ban) -> dict:
    """Return what the ban's basis says about its term and about a violation, in Dutch as the report is."""
    rule = ban.decision.rule
    with translation.override("nl"):
        return {
            "articles": rule.articles,
            "offence_article": rule.offence_article,
            "term": str(rule.term_text),
            "legal_end": _iso(ban.legal_end),
            "term_justification": ban.term_justification,
            "follow_up": str(rule.om_follow_up),
        }


def _zone(ban: Ban) -> dict | None:
    if not ban.has_zone:
        return None
    if ban.zone_shape == ZoneShape.POLYGON and ban.zone_geojson:
        return {"shape": "polygon", "geojson": ban.zone_geojson, "description": ban.zone_description}
    return {
        "shape": "circle",
        "centre": {"lat": ban.centre_lat, "lon": ban.centre_lon},
        "radius_m": ban.effective_radius_m,
        "description": ban.zone_description,
        "time_windows": ban.time_windows,
    }


def protected_location(ban: Ban | None, incident: Incident) -> tuple[float, float] | None:
    """Return the (lat, lon) the ban protects: a circle's centre, else the protected person's home."""
    if ban is not None and ban.zone_shape != ZoneShape.POLYGON and ban.centre_lat is not None:
        return (ban.centre_lat, ban.centre_lon)
    pp = incident.protected_person
    if pp is not None and pp.home_lat is not None:
        return (pp.home_lat, pp.home_lon)
    return None


def _track(incident: Incident, ban: Ban | None, start: datetime, end: datetime) -> list[dict]:
    if incident.device_id is None:
        return []
    fixes = list(
        Fix.objects.filter(device_id=incident.device_id, ts__gte=start, ts__lte=end)
        .order_by("ts")
        .values("ts", "lat", "lon", "accuracy_m")[:MAX_TRACK_FIXES]
    )
    if not fixes:
        return []
    distances = _distances(protected_location(ban, incident), fixes)
    inside = _inside(ban, fixes, distances)
    return [
        {
            "ts": _iso(f["ts"]),
            "lat": f["lat"],
            "lon": f["lon"],
            "accuracy_m": f["accuracy_m"],
            "distance_m": None if d is None else round(d, 1),
            "inside": flag,
        }
        for f, d, flag in zip(fixes, distances, inside, strict=True)
    ]


def _distances(location, fixes: list[dict]) -> list[float | None]:
    if location is None:
        return [None] * len(fixes)
    lats = np.array([f["lat"] for f in fixes])
    lons = np.array([f["lon"] for f in fixes])
    _, _, dist = GEOD.inv(np.full_like(lons, location[1]), np.full_like(lats, location[0]), lons, lats)
    return [float(d) for d in np.atleast_1d(dist)]


def _inside(ban: Ban | None, fixes: list[dict], distances: list) -> list[bool | None]:
    if ban is None or not ban.has_zone:
        return [None] * len(fixes)
    if ban.zone_shape == ZoneShape.POLYGON and ban.zone_geojson:
        zone = shape(ban.zone_geojson.get("geometry", ban.zone_geojson))
        return [zone.contains(Point(f["lon"], f["lat"])) for f in fixes]
    return [d is not None and d <= ban.effective_radius_m for d in distances]


def _closest(incident: Incident, track: list[dict]) -> dict:
    """Return the track's closest approach to the protected location, with the engine's own figure."""
    measured = [p for p in track if p["distance_m"] is not None]
    closest = min(measured, key=lambda p: p["distance_m"], default=None)
    result = {"incident_distance_m": incident.closest_distance_m, "distance_m": None}
    if closest is not None:
        result.update(
            distance_m=closest["distance_m"],
            at=closest["ts"],
            lat=closest["lat"],
            lon=closest["lon"],
            accuracy_m=closest["accuracy_m"],
        )
    return result


def _device(incident: Incident) -> dict | None:
    device = incident.device
    if device is None:
        return None
    return {"device_id": device.device_id, "vendor": device.vendor.name, "model": device.model}


def _device_events(incident: Incident, start: datetime, end: datetime) -> list[dict]:
    if incident.device_id is None:
        return []
    events = DeviceEvent.objects.filter(device_id=incident.device_id, ts__gte=start, ts__lte=end).order_by("ts")
    return [
        {"ts": _iso(e.ts), "type": e.type, "type_label": str(e.get_type_display()), "payload": e.payload}
        for e in events
    ]


def _timeline(incident: Incident) -> list[dict]:
    return [
        {
            "at": _iso(e.at),
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "actor": e.actor_name,
            "note": e.note,
        }
        for e in incident.timeline.order_by("at", "id")
    ]


def _police(incident: Incident) -> list[dict]:
    alerts = AlertOutbox.objects.filter(incident_id=incident.pk).order_by("created_at", "id")
    return [
        {
            "alert_id": str(a.alert_id),
            "change": a.change,
            "published_at": _iso(a.published_at),
            "acknowledged_at": _iso(a.acknowledged_at),
            "acknowledged_by": a.acknowledged_by,
            "outcome": a.police_outcome,
            "note": a.police_note,
        }
        for a in alerts
    ]
