"""The incident's track for the replay slider: each fix with time, speed and accuracy, and what happened where.

Markers: the track entering or leaving a zone of the incident (judged per fix:
geodesic distance to a circle's centre, or inside a polygon), and the approach
pre-alerts of the same ban and device opened in the track's time.
"""

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyproj import Geod

from geofence.models import Incident, IncidentType

from . import queries
from .positions import describe
from .presenters import local, zone_shapes

_WGS84 = Geod(ellps="WGS84")
KMH_PER_MPS = 3.6


def replay_data(incident) -> dict:
    """Return the fixes of the incident's track, oldest first, and the markers along it."""
    track = queries.recent_track(incident)
    if not track:
        return {"fixes": [], "markers": []}
    lats = np.array([f.lat for f in track])
    lons = np.array([f.lon for f in track])
    speeds = _speeds_kmh(track, lats, lons)
    positions = describe(list(zip(lats.tolist(), lons.tolist(), strict=True)))
    fixes = [
        {
            "at": fix.ts.isoformat(),
            "at_local": local(fix.ts, "%d-%m %H:%M:%S"),
            "lat": fix.lat,
            "lon": fix.lon,
            "accuracy_m": fix.accuracy_m,
            "speed_kmh": speed,
            "speed_measured": fix.speed_mps is not None,
            "coordinates": position["coordinates"],
            "place": position["place"],
        }
        for fix, (speed, position) in zip(track, zip(speeds, positions, strict=True), strict=True)
    ]
    markers = _zone_markers(zone_shapes(queries.zone_bans(incident)), lats, lons) + _approach_markers(incident, track)
    return {"fixes": fixes, "markers": sorted(markers, key=lambda m: (m["index"], m["kind"]))}


def _speeds_kmh(track, lats, lons) -> list[float | None]:
    """Return each fix's speed: the device's own where it sent one, else distance over time from the fix before."""
    _, _, metres = _WGS84.inv(lons[:-1], lats[:-1], lons[1:], lats[1:]) if len(track) > 1 else (0, 0, [])
    speeds: list[float | None] = []
    for i, fix in enumerate(track):
        if fix.speed_mps is not None:
            speeds.append(round(fix.speed_mps * KMH_PER_MPS, 1))
            continue
        seconds = (fix.ts - track[i - 1].ts).total_seconds() if i else 0
        speeds.append(round(float(metres[i - 1]) / seconds * KMH_PER_MPS, 1) if seconds > 0 else None)
    return speeds


def _inside(zone: dict, lats, lons) -> np.ndarray:
    if zone["shape"] == "circle":
        n = len(lats)
        _, _, metres = _WGS84.inv(np.full(n, zone["lon"]), np.full(n, zone["lat"]), lons, lats)
        return np.asarray(metres) <= zone["radius_m"]
    geometry = shapely.geometry.shape(zone["geojson"].get("geometry", zone["geojson"]))
    return shapely.contains_xy(geometry, lons, lats)


def _zone_markers(zones: list[dict], lats, lons) -> list[dict]:
    markers = []
    for zone in zones:
        inside = _inside(zone, lats, lons)
        for i in np.flatnonzero(inside[1:] != inside[:-1]) + 1:
            entered = bool(inside[i])
            markers.append(
                {
                    "index": int(i),
                    "kind": "enter" if entered else "exit",
                    "label": (_("zone binnengegaan") if entered else _("zone verlaten")) + " · " + zone["label"],
                }
            )
    return markers


def _approach_markers(incident, track) -> list[dict]:
    """Mark the fix at which each approach pre-alert of this ban and device opened."""
    if not (incident.ban_id and incident.device_id):
        return []
    approaches = Incident.objects.filter(
        type=IncidentType.ZONE_APPROACH,
        ban_id=incident.ban_id,
        device_id=incident.device_id,
        opened_at__gte=track[0].ts,
        opened_at__lte=track[-1].ts,
    ).values_list("opened_at", flat=True)
    times = [fix.ts for fix in track]
    markers = []
    for opened in approaches:
        index = max(i for i, t in enumerate(times) if t <= opened)
        markers.append({"index": index, "kind": "approach", "label": _("nadert verbodsgebied")})
    return markers
