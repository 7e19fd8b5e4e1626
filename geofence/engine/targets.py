"""The point each zone row measures distances to: a circle's centre, a polygon's protected point, or a
moving zone's protected person at their latest fix."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from . import geodesy
from .index import Kind, ZoneIndex
from .motion import PointFix


class Targets:
    """Per zone row: latitude, longitude, ECEF position, accuracy and time of the point measured to.

    Fixed zones share the index's arrays (time NaN, accuracy 0); a moving zone takes its protected
    person's fix from `protected_fixes`, or NaN everywhere when there is none.
    """

    def __init__(self, index: ZoneIndex, protected_fixes: Mapping[int, PointFix] | None, *, moving: bool) -> None:
        c = index.centre
        self.lat, self.lon, self.x, self.y, self.z = index.centre_lat, index.centre_lon, c.x, c.y, c.z
        self.accuracy = np.zeros(len(index))
        self.t = np.full(len(index), np.nan)
        if moving and len(index.moving_rows):
            self._place_moving(index, protected_fixes or {})

    def _place_moving(self, index: ZoneIndex, protected_fixes: Mapping[int, PointFix]) -> None:
        # Copy before writing: the index's arrays are shared by every call.
        self.lat, self.lon = self.lat.copy(), self.lon.copy()
        for r in index.moving_rows:
            fix = protected_fixes.get(int(index.protected_id[r]))
            if fix is not None:
                self.lat[r], self.lon[r], self.t[r], self.accuracy[r] = fix.lat, fix.lon, fix.t, fix.accuracy_m
        frame = geodesy.Frame(self.lat, self.lon)
        self.x, self.y, self.z = frame.x, frame.y, frame.z


def uses_moving_zones(index: ZoneIndex, row: np.ndarray) -> bool:
    """Return whether any of the given zone rows is a moving zone."""
    return bool(len(index.moving_rows)) and bool(np.any(index.kind[row] == Kind.MOVING))
