"""Zones as a lookup shows them: exact for roles that may know the victim's address, coarse for others.

A circle around a victim's home has the home as its centre, so an exact circle
tells anyone who sees it where the victim lives. Officers get the centre
snapped to a fixed grid cell and two circles around it: an inner one that lies
wholly inside the real zone and an outer one that wholly contains it. The grid
is fixed, so repeated lookups reveal nothing more than the cell.
See docs/need-to-know.md.
"""

import math
from functools import lru_cache

import numpy as np
from pyproj import Geod
from shapely.geometry import box, mapping, shape

from registry.models import Ban, BanKind, ZoneShape

# Grid cell for coarse centres: the victim's home is known to officers only to this cell.
OFFICER_ZONE_GRID_M = 2000.0
# Polygons smaller than this are treated as drawn around an address and shown as a coarse box.
SMALL_POLYGON_M2 = 4_000_000.0
CIRCLE_VERTICES = 64
_METRES_PER_DEGREE_LAT = 111_320.0
# The grid's row height in degrees of latitude.
_GRID_DLAT = OFFICER_ZONE_GRID_M / _METRES_PER_DEGREE_LAT
_GEOD = Geod(ellps="WGS84")
_AZIMUTHS = np.linspace(0.0, 360.0, CIRCLE_VERTICES, endpoint=False)


def zone_exact(ban: Ban) -> dict | None:
    """Return the zone as stored: centre and radius for circles, the GeoJSON polygon otherwise."""
    if not ban.has_zone:
        return None
    if ban.zone_shape == ZoneShape.POLYGON:
        return {"shape": "polygon", "precision": "exact", "geojson": ban.zone_geojson}
    if ban.centre_lat is None or ban.centre_lon is None:
        return None
    radius = ban.effective_radius_m
    return {
        "shape": "circle",
        "precision": "exact",
        "circle": {"centre": {"lat": ban.centre_lat, "lon": ban.centre_lon}, "radius_m": radius},
        "geojson": circle_polygon(ban.centre_lat, ban.centre_lon, radius),
    }


def zone_for_officer(ban: Ban) -> dict | None:
    """Return the zone without revealing a victim's address (area bans); presence zones stay exact."""
    if ban.kind != BanKind.AREA or not ban.has_zone:
        return zone_exact(ban)
    if ban.zone_shape == ZoneShape.POLYGON:
        return coarse_polygon(ban.zone_geojson)
    if ban.centre_lat is None or ban.centre_lon is None:
        return None
    return coarse_circle(ban.centre_lat, ban.centre_lon, ban.effective_radius_m)


def coarse_circle(lat: float, lon: float, radius_m: float) -> dict:
    """Return inner and outer bounds of a circle whose centre is known only to its grid cell."""
    centre_lat, centre_lon, slack = grid_cell_centre(lat, lon)
    inner, outer = max(radius_m - slack, 0.0), radius_m + slack
    outer_ring, inner_ring = circle_polygons(centre_lat, centre_lon, (outer + 1, inner))
    return {
        "shape": "circle",
        "precision": "coarse",
        "circle": {"centre": {"lat": centre_lat, "lon": centre_lon}, "radius_m": radius_m},
        "inner_radius_m": round(inner),
        "outer_radius_m": round(outer) + 1,
        "geojson": {
            "type": "FeatureCollection",
            "features": [_feature(outer_ring, "outer_bound"), _feature(inner_ring, "inner_bound")],
        },
    }


def coarse_polygon(geojson: dict) -> dict:
    """Return a large polygon as it is, a small one as an outer box snapped to the grid."""
    geometry = shape(geojson.get("geometry", geojson))
    area, _perimeter = _GEOD.geometry_area_perimeter(geometry)
    if abs(area) >= SMALL_POLYGON_M2:
        return {"shape": "polygon", "precision": "exact", "geojson": geojson}
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    south, west = _snap(min_lat, min_lon, math.floor)
    north, east = _snap(max_lat, max_lon, math.ceil)
    outer = mapping(box(west, south, east, north))
    return {"shape": "polygon", "precision": "coarse", "geojson": _feature(outer, "outer_bound")}


def grid_cell_centre(lat: float, lon: float) -> tuple[float, float, float]:
    """Return the centre of the grid cell holding the point, and the farthest the point can be from it (m)."""
    row = math.floor(lat / _GRID_DLAT)
    centre_lat, dlon, slack = _grid_row(row)
    return centre_lat, round((math.floor(lon / dlon) + 0.5) * dlon, 6), slack


@lru_cache(maxsize=4096)
def _grid_row(row: int) -> tuple[float, float, float]:
    """Return a grid row's centre latitude, longitude step and farthest distance from a cell centre (m).

    The same for every cell of the row: the ellipsoid is symmetric about its axis.
    """
    centre_lat = (row + 0.5) * _GRID_DLAT
    dlon = _lon_step(centre_lat)
    corner_lats = np.repeat([row * _GRID_DLAT, (row + 1) * _GRID_DLAT], 2)
    corner_lons = np.tile([-dlon / 2, dlon / 2], 2)
    _az, _back, distances = _GEOD.inv(np.zeros(4), np.full(4, centre_lat), corner_lons, corner_lats)
    return round(centre_lat, 6), dlon, float(distances.max()) * 1.001 + 1.0


def circle_polygon(lat: float, lon: float, radius_m: float) -> dict:
    """Return a GeoJSON Polygon approximating a geodesic circle (for display only; shared, do not change it)."""
    return circle_polygons(lat, lon, (radius_m,))[0]


# Entries of an officer's zone hold two rings: half the entries keep the rings remembered, and the memory, as before.
@lru_cache(maxsize=2048)
def circle_polygons(lat: float, lon: float, radii: tuple[float, ...]) -> tuple[dict, ...]:
    """Return circle_polygon's answer for each radius around one centre, worked out in one call.

    Remembered: an officer's coarse circles sit on a fixed grid, so the same ones come back.
    """
    drawn = [r for r in radii if r > 0]
    points = []
    if drawn:
        lon_offsets, lats = _circle_shape(lat, tuple(drawn))
        # Wrapped into [-180, 180) as Geod.fwd returns them.
        lons = np.remainder(lon_offsets + (lon + 180.0), 360.0) - 180.0
        # Points as tuples: the garbage collector stops scanning them, where thousands of remembered
        # circles of two-element lists were walked again by every full collection.
        points = list(zip(np.round(lons, 6).tolist(), np.round(lats, 6).tolist(), strict=True))
    polygons, start = [], 0
    for radius in radii:
        if radius > 0:
            ring = points[start : start + CIRCLE_VERTICES]
            start += CIRCLE_VERTICES
            polygons.append({"type": "Polygon", "coordinates": [ring + ring[:1]]})
        else:
            polygons.append({"type": "Polygon", "coordinates": []})
    return tuple(polygons)


@lru_cache(maxsize=1024)
def _circle_shape(lat: float, radii: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Return the vertices of geodesic circles around (lat, 0): longitudes and latitudes, CIRCLE_VERTICES a radius.

    A circle around (lat, lon) is this one moved by lon: the ellipsoid is symmetric about its axis.
    So the geodesic problem, most of a circle's cost, is solved once per latitude and radii; the
    officer's circles sit on the grid's rows and most bans have the same radius.
    """
    count = CIRCLE_VERTICES * len(radii)
    lons, lats, _back = _GEOD.fwd(
        np.zeros(count), np.full(count, lat), np.tile(_AZIMUTHS, len(radii)), np.repeat(radii, CIRCLE_VERTICES)
    )
    lons.flags.writeable = lats.flags.writeable = False
    return lons, lats


def _snap(lat: float, lon: float, rounding) -> tuple[float, float]:
    snapped_lat = rounding(lat / _GRID_DLAT) * _GRID_DLAT
    # A fixed longitude step per row keeps the grid stable; use the row's own latitude.
    dlon = _lon_step(snapped_lat)
    return round(snapped_lat, 6), round(rounding(lon / dlon) * dlon, 6)


def _lon_step(lat: float) -> float:
    return OFFICER_ZONE_GRID_M / (_METRES_PER_DEGREE_LAT * math.cos(math.radians(lat)))


def _feature(geometry: dict, role: str) -> dict:
    return {"type": "Feature", "properties": {"role": role}, "geometry": geometry}
