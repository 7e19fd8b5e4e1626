"""Find the nearest place of a bundled list for many positions at once (pure: numpy and pyproj only).

Candidates come from one matrix product of unit vectors on the sphere (the
largest dot product is the smallest great-circle distance); the best few are
then measured on the WGS84 ellipsoid with GeographicLib (pyproj.Geod), which
also gives the direction from the place to the position. On the sphere the
nearest place can differ from the ellipsoid's only when two places are within
a fraction of a percent of the same distance; taking the best CANDIDATES
settles those ties on the ellipsoid.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from pyproj import Geod

PLACES_CSV = Path(__file__).resolve().parent / "data" / "nl_places.csv"
# Farther than this from every place (at sea, abroad) a position gets no place: "80 km W of Katwijk" helps nobody.
MAX_DISTANCE_M = 50_000.0
CANDIDATES = 3
CHUNK = 4096  # positions per matrix product: bounds memory at CHUNK x places doubles
COMPASS_POINTS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")

_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class NearPlace:
    """The place nearest a position: its name, the geodesic distance, and the bearing from the place."""

    name: str
    lat: float
    lon: float
    distance_m: float
    bearing_deg: float  # from the place to the position, clockwise from true north, 0 <= b < 360

    @property
    def compass(self) -> str:
        """Return the bearing as one of eight compass points: N, NE, E, SE, S, SW, W, NW."""
        return compass_point(self.bearing_deg)


def compass_point(bearing_deg: float) -> str:
    """Return the nearest of the eight compass points to a bearing in degrees (N covers 337.5 to 22.5)."""
    return COMPASS_POINTS[int(((bearing_deg % 360.0) + 22.5) // 45.0) % 8]


class Gazetteer:
    """A list of named places and the nearest-place search over it."""

    def __init__(self, names: list[str], lats, lons) -> None:
        if not names:
            raise ValueError("a gazetteer needs at least one place")
        self.names = list(names)
        self.lats = np.asarray(lats, dtype=float)
        self.lons = np.asarray(lons, dtype=float)
        self._unit = _unit_vectors(self.lats, self.lons)

    @classmethod
    def from_csv(cls, path: Path) -> Gazetteer:
        """Load name, municipality, lat, lon rows; a name used twice gets its municipality: "Nes (Ameland)"."""
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        counts = Counter(row["name"] for row in rows)
        names = [_label(row, counts[row["name"]] > 1) for row in rows]
        return cls(names, [float(r["lat"]) for r in rows], [float(r["lon"]) for r in rows])

    def __len__(self) -> int:
        return len(self.names)

    def nearest(self, lat: float, lon: float) -> NearPlace | None:
        """Return the place nearest one position, or None when none is within MAX_DISTANCE_M."""
        return self.nearest_many([lat], [lon])[0]

    def nearest_many(self, lats, lons) -> list[NearPlace | None]:
        """Return the nearest place of each position (None where the position is missing or too far)."""
        lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
        found: list[NearPlace | None] = [None] * len(lats)
        valid = np.flatnonzero(np.isfinite(lats) & np.isfinite(lons) & (np.abs(lats) <= 90))
        for start in range(0, len(valid), CHUNK):
            rows = valid[start : start + CHUNK]
            for row, place in zip(rows.tolist(), self._search(lats[rows], lons[rows]), strict=True):
                found[row] = place
        return found

    def _search(self, lats: np.ndarray, lons: np.ndarray) -> list[NearPlace | None]:
        k = min(CANDIDATES, len(self.names))
        dots = _unit_vectors(lats, lons) @ self._unit.T  # (positions, places)
        candidates = _top(dots, k)
        # Measure every candidate on the ellipsoid in one vectorised call, from the place to the position.
        place_idx = candidates.ravel()
        azimuth, _, metres = _GEOD.inv(
            self.lons[place_idx], self.lats[place_idx], np.repeat(lons, k), np.repeat(lats, k)
        )
        metres, azimuth = np.asarray(metres).reshape(-1, k), np.asarray(azimuth).reshape(-1, k)
        best = np.argmin(metres, axis=1)
        rows = np.arange(len(lats))
        return [
            self._place(int(candidates[i, b]), float(metres[i, b]), float(azimuth[i, b]))
            for i, b in zip(rows.tolist(), best.tolist(), strict=True)
        ]

    def _place(self, index: int, metres: float, azimuth: float) -> NearPlace | None:
        if metres > MAX_DISTANCE_M:
            return None
        return NearPlace(
            name=self.names[index],
            lat=float(self.lats[index]),
            lon=float(self.lons[index]),
            distance_m=metres,
            bearing_deg=azimuth % 360.0,
        )


@cache
def dutch_places() -> Gazetteer:
    """Return the bundled gazetteer of Dutch places (loaded once per process)."""
    return Gazetteer.from_csv(PLACES_CSV)


def nearest_place(lat: float, lon: float) -> NearPlace | None:
    """Return the Dutch place nearest a position, or None (see MAX_DISTANCE_M)."""
    return dutch_places().nearest(lat, lon)


def nearest_places(lats, lons) -> list[NearPlace | None]:
    """Return the Dutch place nearest each position, in one vectorised search."""
    return dutch_places().nearest_many(lats, lons)


def _label(row: dict, ambiguous: bool) -> str:
    municipality = row.get("municipality", "")
    return f"{row['name']} ({municipality})" if ambiguous and municipality else row["name"]


def _unit_vectors(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lats), np.radians(lons)
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def _top(dots: np.ndarray, k: int) -> np.ndarray:
    """Return the columns of the k largest values of each row (k argmax passes beat a partial sort here)."""
    rows = np.arange(dots.shape[0])
    columns = np.empty((dots.shape[0], k), dtype=np.intp)
    for j in range(k):
        columns[:, j] = np.argmax(dots, axis=1)
        if j + 1 < k:
            dots[rows, columns[:, j]] = -np.inf  # dots is this call's own array
    return columns
