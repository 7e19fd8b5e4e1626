"""Shared helpers for the engine tests."""

import numpy as np
from geographiclib.geodesic import Geodesic
from pyproj import Geod

from geofence.engine.evaluate import FixBatch

_GEOD = Geod(ellps="WGS84")

# A Monday noon in winter (2026-01-05 12:00 UTC), outside any night window.
T0 = 1767614400.0

# Centres across the Netherlands: Groningen, Amsterdam, Maastricht, Vlissingen, Enschede, Den Helder.
NL_CENTRES = [(53.219, 6.567), (52.373, 4.890), (50.851, 5.691), (51.442, 3.573), (52.221, 6.894), (52.959, 4.760)]


def place(lat: float, lon: float, azimuth: float, distance_m: float) -> tuple[float, float]:
    """Return the point at a geodesic distance and azimuth from (lat, lon), by GeographicLib."""
    r = Geodesic.WGS84.Direct(lat, lon, azimuth, distance_m)
    return r["lat2"], r["lon2"]


def truth(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return GeographicLib's geodesic distance in metres."""
    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)["s12"]


def batch(subject_id, t, lat, lon, accuracy_m) -> FixBatch:
    """Build a FixBatch; scalar arguments are repeated for every fix."""
    n = max(np.atleast_1d(v).size for v in (subject_id, t, lat, lon, accuracy_m))

    def full(v):
        a = np.atleast_1d(np.asarray(v, dtype=np.float64))
        return np.full(n, a[0]) if a.size == 1 else a

    return FixBatch.from_arrays(full(subject_id).astype(np.int64), full(t), full(lat), full(lon), full(accuracy_m))


def star_polygon(lat0: float, lon0: float, vertices: int, radius_m: float, seed: int) -> list[list[float]]:
    """Return a closed irregular ring [[lon, lat], ...] around a centre, roughly radius_m across each way."""
    rng = np.random.default_rng(seed)
    azimuths = np.sort(rng.uniform(0.0, 360.0, vertices))
    radii = radius_m * (1.0 + 0.25 * np.sin(np.radians(azimuths) * 5.0)) * rng.uniform(0.9, 1.1, vertices)
    ring = [[place(lat0, lon0, a, r)[1], place(lat0, lon0, a, r)[0]] for a, r in zip(azimuths, radii, strict=True)]
    return [*ring, ring[0]]


def distance_to_ring(lat: float, lon: float, ring: list[list[float]]) -> float:
    """Return the geodesic distance from a point to a ring of geodesic edges (ternary search per edge)."""
    lons, lats = np.array(ring).T
    _, _, to_vertex = _GEOD.inv(np.full(len(ring), lon), np.full(len(ring), lat), lons, lats)
    _, _, edge = _GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
    best = to_vertex.min()
    # Every edge point is within half the edge of an end: only edges that could win are searched.
    for k in np.flatnonzero(np.minimum(to_vertex[:-1], to_vertex[1:]) - edge / 2.0 <= best):
        line = Geodesic.WGS84.InverseLine(lats[k], lons[k], lats[k + 1], lons[k + 1])
        lo, hi = 0.0, line.s13
        for _ in range(40):
            m1, m2 = lo + (hi - lo) / 3.0, hi - (hi - lo) / 3.0
            p1, p2 = line.Position(m1), line.Position(m2)
            if truth(lat, lon, p1["lat2"], p1["lon2"]) < truth(lat, lon, p2["lat2"], p2["lon2"]):
                hi = m2
            else:
                lo = m1
        p = line.Position((lo + hi) / 2.0)
        best = min(best, truth(lat, lon, p["lat2"], p["lon2"]))
    return float(best)
