"""Polygon zones in a projected CRS, with distances finished geodesically.

Containment and the nearest boundary point are found in a conformal or
equidistant projection: RD New (EPSG:28992) when the zone lies in the RD area
of use, else an azimuthal equidistant projection centred on the zone. The
distance itself is then the WGS84 geodesic from the fix to that nearest point,
so projection scale error (up to 1.5e-4 in RD New, 0.3 m over 2 km) does not
reach the answer; what remains is the second-order error of picking the
nearest point in the projection, bounded in docs/engine.md.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from .constants import RD_NEW_EPSG, RD_NEW_LAT_RANGE, RD_NEW_LON_RANGE
from .geodesy import exact_distance


class ProjectedPolygon:
    """A zone polygon projected once, answering containment and signed distance."""

    def __init__(self, geometry: BaseGeometry) -> None:
        self.crs = choose_crs(geometry)
        self._forward, self._inverse = _transformers(self.crs.to_wkt())
        self.geometry = shapely.transform(geometry, self._project_xy)
        self.boundary = self.geometry.boundary
        shapely.prepare(self.geometry)
        shapely.prepare(self.boundary)

    def signed_distance(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (inside, signed geodesic metres to the boundary, negative inside)."""
        x, y = self._forward.transform(lon, lat)
        x, y = np.atleast_1d(x), np.atleast_1d(y)
        # The boundary belongs to the zone: intersects, not contains.
        inside = shapely.intersects_xy(self.geometry, x, y)
        lines = shapely.shortest_line(self.boundary, shapely.points(x, y))
        near = shapely.get_coordinates(lines)[0::2]
        near_lon, near_lat = self._inverse.transform(near[:, 0], near[:, 1])
        dist = exact_distance(lat, lon, near_lat, near_lon)
        return inside, np.where(inside, -dist, dist)

    def _project_xy(self, coords: np.ndarray) -> np.ndarray:
        x, y = self._forward.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])


@lru_cache(maxsize=256)
def _transformers(crs_wkt: str) -> tuple[Transformer, Transformer]:
    # Building a transformer costs tens of milliseconds; RD New zones all share one pair.
    crs = CRS.from_wkt(crs_wkt)
    return Transformer.from_crs(4326, crs, always_xy=True), Transformer.from_crs(crs, 4326, always_xy=True)


def choose_crs(geometry: BaseGeometry) -> CRS:
    """Return RD New for zones within its area of use, else a local equidistant CRS."""
    lon_min, lat_min, lon_max, lat_max = geometry.bounds
    in_rd = (
        RD_NEW_LON_RANGE[0] <= lon_min
        and lon_max <= RD_NEW_LON_RANGE[1]
        and RD_NEW_LAT_RANGE[0] <= lat_min
        and lat_max <= RD_NEW_LAT_RANGE[1]
    )
    if in_rd:
        return CRS.from_epsg(RD_NEW_EPSG)
    lat0, lon0 = (lat_min + lat_max) / 2.0, (lon_min + lon_max) / 2.0
    return CRS.from_proj4(f"+proj=aeqd +lat_0={lat0:.8f} +lon_0={lon0:.8f} +ellps=WGS84 +units=m +no_defs")
