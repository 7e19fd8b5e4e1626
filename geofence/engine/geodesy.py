"""Geodesic distances on WGS84: a fast series from ECEF chords, and the exact fallback.

For two points on the ellipsoid the chord c (straight line through the earth)
and the geodesic s obey s = 2R asin(c / 2R) on a sphere of radius R. Taking R
as the ellipsoid's radius of curvature in the direction of travel (Euler's
formula at the start point) makes the series s = c (1 + k/24 + 3k²/640),
k = (c/R)², agree with GeographicLib to micrometres within tens of kilometres
(tests/engine/test_engine_geodesy.py measures the bound). Beyond
SERIES_LIMIT_M the evaluator asks PROJ's GeographicLib (pyproj.Geod) instead.
"""

from __future__ import annotations

import numpy as np
from pyproj import Geod

A = 6378137.0  # WGS84 semi-major axis, m
F = 1.0 / 298.257223563
E2 = F * (2.0 - F)

# Chords longer than this go to the exact solver (series error grows as c⁵).
SERIES_LIMIT_M = 60_000.0

# The series is proven to this bound within SERIES_LIMIT_M (tests measure it
# with a wide margin); verdicts closer than EXACT_BAND_M to a threshold are
# decided by the exact solver, so they equal GeographicLib's.
SERIES_ERROR_BOUND_M = 1e-4
EXACT_BAND_M = 10 * SERIES_ERROR_BOUND_M

_GEOD = Geod(ellps="WGS84")


class Frame:
    """ECEF position, local east/north unit vectors and radii at points (arrays)."""

    __slots__ = ("x", "y", "z", "ex", "ey", "nx", "ny", "nz", "inv_m", "inv_n")

    def __init__(self, lat_deg: np.ndarray, lon_deg: np.ndarray) -> None:
        sp, cp, sl, cl = _sin_cos(lat_deg, lon_deg)
        w2 = 1.0 - E2 * sp * sp
        n = A / np.sqrt(w2)  # prime-vertical radius of curvature
        ncp = n * cp
        self.x, self.y, self.z = ncp * cl, ncp * sl, n * (1.0 - E2) * sp
        self.ex, self.ey = -sl, cl  # east has no z component
        self.nx, self.ny, self.nz = -sp * cl, -sp * sl, cp
        self.inv_n = 1.0 / n
        self.inv_m = w2 * self.inv_n * (1.0 / (1.0 - E2))  # 1 / meridional radius

    def take(self, idx: np.ndarray) -> Frame:
        """Return the frame rows at `idx`."""
        out = Frame.__new__(Frame)
        for name in Frame.__slots__:
            setattr(out, name, getattr(self, name)[idx])
        return out


def ecef(lat_deg: np.ndarray, lon_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return WGS84 ECEF x, y, z in metres of points on the ellipsoid."""
    sp, cp, sl, cl = _sin_cos(lat_deg, lon_deg)
    n = A / np.sqrt(1.0 - E2 * sp * sp)
    ncp = n * cp
    return ncp * cl, ncp * sl, n * (1.0 - E2) * sp


def _sin_cos(lat_deg: np.ndarray, lon_deg: np.ndarray) -> tuple[np.ndarray, ...]:
    # Cosines from sines: both angles lie within +-90 degrees in the supported
    # area, where the cosine is not negative, and a square root is far cheaper.
    sp = np.sin(np.radians(lat_deg))
    sl = np.sin(np.radians(lon_deg))
    return sp, np.sqrt(1.0 - sp * sp), sl, np.sqrt(1.0 - sl * sl)


def series_distance(origin: Frame, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Return geodesic metres from each origin to the ECEF point (x, y, z) on the ellipsoid."""
    return series_distance_en(origin, x, y, z)[0]


def series_distance_en(
    origin: Frame, x: np.ndarray, y: np.ndarray, z: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (geodesic metres, east, north chord components) from each origin to (x, y, z)."""
    dx, dy, dz = x - origin.x, y - origin.y, z - origin.z
    c2 = dx * dx + dy * dy + dz * dz
    east = dx * origin.ex + dy * origin.ey
    north = dx * origin.nx + dy * origin.ny + dz * origin.nz
    h2 = east * east + north * north
    # Euler: 1/R = cos²α/M + sin²α/N; a zero chord has no direction, any R will do.
    cos2 = np.divide(north * north, h2, out=np.ones_like(h2), where=h2 > 0.0)
    inv_r = cos2 * origin.inv_m + (1.0 - cos2) * origin.inv_n
    k = c2 * inv_r * inv_r
    return np.sqrt(c2) * (1.0 + k * (1.0 / 24.0 + k * (3.0 / 640.0))), east, north


def exact_distance(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Return geodesic metres with GeographicLib (PROJ's geod_inverse via pyproj)."""
    lat1, lon1, lat2, lon2 = (np.ascontiguousarray(a, dtype=np.float64) for a in (lat1, lon1, lat2, lon2))
    if lat1.size == 0:
        return np.zeros(0)
    _, _, dist = _GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(dist, dtype=np.float64)


def step_vector(prev_x: np.ndarray, prev_y: np.ndarray, prev_z: np.ndarray, cur: Frame) -> tuple:
    """Return (chord metres, east, north) of the step from an ECEF point to each current fix.

    Good enough for speeds: the chord is short of the geodesic by under a
    millimetre per 10 km, far below GPS noise.
    """
    dx, dy, dz = cur.x - prev_x, cur.y - prev_y, cur.z - prev_z
    east = dx * cur.ex + dy * cur.ey
    north = dx * cur.nx + dy * cur.ny + dz * cur.nz
    return np.sqrt(dx * dx + dy * dy + dz * dz), east, north
