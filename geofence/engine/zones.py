"""Zone definitions: circles, polygons and moving circles around a protected person."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from .constants import (
    DEFAULT_APPROACH_DISTANCES_M,
    DEFAULT_AREA_BAN_RADIUS_M,
    DEFAULT_EXIT_MARGIN_M,
    DEFAULT_PROTECTED_FIX_MAX_AGE_S,
    MAX_ZONE_VERTICES,
    SUPPORTED_LAT_RANGE,
    SUPPORTED_LON_RANGE,
)
from .errors import InvalidZone
from .windows import WeeklyWindow


class Mode(StrEnum):
    """What a zone forbids."""

    EXCLUSION = "exclusion"  # area ban: a violation when inside
    INCLUSION = "inclusion"  # presence obligation: a violation when outside


@dataclass(frozen=True, kw_only=True)
class _ZoneBase:
    zone_id: int
    subject_id: int
    mode: Mode = Mode.EXCLUSION
    windows: tuple[WeeklyWindow, ...] = ()  # empty: in force at all times
    exit_margin_m: float = DEFAULT_EXIT_MARGIN_M
    approach_distances_m: tuple[float, ...] = DEFAULT_APPROACH_DISTANCES_M

    def __post_init__(self) -> None:
        if not (self.exit_margin_m >= 0.0):
            raise InvalidZone(f"must be >= 0, got {self.exit_margin_m!r}", "exit_margin_m")
        if any(not (d > 0.0) for d in self.approach_distances_m):
            raise InvalidZone("approach distances must be > 0 m", "approach_distances_m")


@dataclass(frozen=True, kw_only=True)
class CircleZone(_ZoneBase):
    """A geodesic circle on WGS84: every point within `radius_m` of the centre."""

    lat: float
    lon: float
    radius_m: float = DEFAULT_AREA_BAN_RADIUS_M

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_point(self.lat, self.lon, "centre")
        _check_radius(self.radius_m)


@dataclass(frozen=True, kw_only=True)
class PolygonZone(_ZoneBase):
    """A GeoJSON Polygon or MultiPolygon (WGS84 lon/lat), holes allowed.

    Give `protected_lat`/`protected_lon` (e.g. the victim's home) to get
    distances and arrival estimates to it; without them those are NaN.
    """

    geojson: Mapping[str, Any]
    protected_lat: float | None = None
    protected_lon: float | None = None
    geometry: BaseGeometry = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "geometry", validate_zone_geojson(self.geojson))
        if (self.protected_lat is None) != (self.protected_lon is None):
            raise InvalidZone("give both protected_lat and protected_lon, or neither", "protected_lat")
        if self.protected_lat is not None:
            _check_point(self.protected_lat, self.protected_lon, "protected point")


@dataclass(frozen=True, kw_only=True)
class MovingZone(_ZoneBase):
    """A distance ban around a protected person's own device.

    The centre is that person's latest fix (passed to `evaluate` as
    `protected_fixes[protected_id]`), used only when no more than
    `max_age_s` apart from the subject's fix; otherwise the zone is inactive
    with reason NO_RECENT_PROTECTED_FIX, never silently clear.
    """

    protected_id: int
    radius_m: float = DEFAULT_AREA_BAN_RADIUS_M
    max_age_s: float = DEFAULT_PROTECTED_FIX_MAX_AGE_S

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_radius(self.radius_m)
        if self.mode is not Mode.EXCLUSION:
            raise InvalidZone("a moving zone can only be an exclusion zone", "mode")
        if not (self.max_age_s > 0.0):
            raise InvalidZone(f"must be > 0, got {self.max_age_s!r}", "max_age_s")


Zone = CircleZone | PolygonZone | MovingZone


def validate_zone_geojson(obj: Any) -> BaseGeometry:
    """Return the shapely geometry of a GeoJSON (Multi)Polygon, or raise InvalidZone.

    Accepts a geometry, a Feature, or a JSON string. The error's `reason` is
    meant to be shown next to the form field as it is.
    """
    geometry = _geometry_member(obj)
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise InvalidZone(f"type must be Polygon or MultiPolygon, got {kind!r}")
    _check_rings(geometry)
    try:
        shape = shapely.geometry.shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
        raise InvalidZone(f"coordinates are malformed ({exc})") from exc
    _check_shape(shape)
    return shape


def _geometry_member(obj: Any) -> Mapping[str, Any]:
    if isinstance(obj, str):
        import json

        try:
            obj = json.loads(obj)
        except ValueError as exc:
            raise InvalidZone(f"not valid JSON ({exc})") from exc
    if not isinstance(obj, Mapping):
        raise InvalidZone("must be a GeoJSON object")
    if obj.get("type") == "Feature":
        return _geometry_member(obj.get("geometry"))
    return obj


def _check_rings(geometry: Mapping[str, Any]) -> None:
    polygons = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    if not isinstance(polygons, list) or not polygons or not all(isinstance(p, list) and p for p in polygons):
        raise InvalidZone("polygon is empty: coordinates must hold at least one ring")
    vertices = sum(len(ring) for polygon in polygons for ring in polygon if isinstance(ring, list))
    if vertices > MAX_ZONE_VERTICES:
        raise InvalidZone(f"too many vertices: {vertices}, at most {MAX_ZONE_VERTICES}")
    for i, polygon in enumerate(polygons):
        for j, ring in enumerate(polygon):
            where = f"ring {j} of polygon {i}" if len(polygons) > 1 else f"ring {j}"
            if not isinstance(ring, list) or len(ring) < 4:
                raise InvalidZone(f"{where} is malformed: a ring needs at least 4 positions")
            if ring[0] != ring[-1]:
                raise InvalidZone(f"{where} is malformed: not closed (first and last positions differ)")
            if not all(_is_position(p) for p in ring):
                raise InvalidZone(f"{where} is malformed: each position must be [lon, lat] as numbers")


def _is_position(position: Any) -> bool:
    # shapely would read ["5", "52"] as numbers; GeoJSON positions are numbers, and bool is not one.
    return isinstance(position, list) and all(isinstance(c, int | float) and not isinstance(c, bool) for c in position)


def _check_shape(shape: BaseGeometry) -> None:
    if shape.is_empty:
        raise InvalidZone("polygon is empty")
    if shape.has_z:
        raise InvalidZone("coordinates must be [lon, lat] without height")
    for lon, lat in shapely.get_coordinates(shape):
        _check_point(lat, lon, "vertex")
    if not shape.is_valid:
        # e.g. "Self-intersection[5.1 52.0]": tell the registrar where.
        raise InvalidZone(f"polygon is invalid: {shapely.is_valid_reason(shape)}")
    if shape.area <= 0.0:
        raise InvalidZone("polygon has no area")


def _check_point(lat: float | None, lon: float | None, what: str) -> None:
    lat_lo, lat_hi = SUPPORTED_LAT_RANGE
    lon_lo, lon_hi = SUPPORTED_LON_RANGE
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        raise InvalidZone(f"{what} needs finite lat and lon, got {lat!r}, {lon!r}", "geometry")
    if not (lat_lo <= lat <= lat_hi and lon_lo <= lon <= lon_hi):
        raise InvalidZone(
            f"{what} lat={lat}, lon={lon} is outside the supported area "
            f"(lat {lat_lo:g}..{lat_hi:g}, lon {lon_lo:g}..{lon_hi:g})",
            "geometry",
        )


def _check_radius(radius_m: float) -> None:
    if not (0.0 < radius_m <= 100_000.0):
        raise InvalidZone(f"must be > 0 and <= 100 km, got {radius_m!r}", "radius_m")
