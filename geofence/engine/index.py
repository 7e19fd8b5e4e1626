"""ZoneIndex: zones grouped per subject, with their geometry precomputed once."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

import numpy as np

from .errors import InvalidZone
from .geodesy import Frame
from .polygons import ProjectedPolygon
from .windows import MINUTES_PER_WEEK, window_bitmap
from .zones import CircleZone, Mode, MovingZone, PolygonZone, Zone


class Kind(IntEnum):
    """Zone kinds as stored in ZoneIndex.kind."""

    CIRCLE = 0
    POLYGON = 1
    MOVING = 2


class ZoneIndex:
    """Zones grouped per subject, with per-zone precomputations cached.

    Build once when the zones change and reuse for every batch. A subject
    may have several zones; zone ids must be unique. Per-zone arrays are
    indexed by zone row (position in `zones`).
    """

    def __init__(self, zones: Iterable[Zone]) -> None:
        self.zones: tuple[Zone, ...] = tuple(zones)
        self.zone_id = np.array([z.zone_id for z in self.zones], dtype=np.int64)
        if len(np.unique(self.zone_id)) != len(self.zone_id):
            raise InvalidZone("zone ids must be unique within an index", "zone_id")
        self._group_by_subject()
        self._precompute_shapes()
        self._precompute_rules()

    def __len__(self) -> int:
        return len(self.zones)

    def zones_of(self, subject_id: int) -> list[Zone]:
        """Return the zones of one subject, in index order."""
        return [self.zones[r] for r in self.rows_of(np.array([subject_id], dtype=np.int64))[1]]

    def subject_rank(self, subject_id: np.ndarray) -> np.ndarray:
        """Return each subject's position in `subjects`, or -1 for a subject without zones."""
        if self._lookup is not None:
            ids = np.asarray(subject_id)
            ok = (ids >= 0) & (ids < len(self._lookup))
            return np.where(ok, self._lookup[np.where(ok, ids, 0)], -1)
        if not len(self.subjects):
            return np.full(len(subject_id), -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.subjects, subject_id), len(self.subjects) - 1)
        return np.where(self.subjects[pos] == subject_id, pos, -1)

    @property
    def rank_table(self) -> np.ndarray | None:
        """Return the subject rank per subject id (-1 for none), or None when the ids are too sparse for a table."""
        return self._lookup

    def rows_of(self, subject_id: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (fix index, zone row) for every zone of every given subject, fix-major."""
        return self.pairs(self.subject_rank(subject_id))

    def pairs(self, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (fix index, zone row) pairs for fixes with the given subject ranks."""
        n = len(rank)
        known = rank >= 0
        start = self.ptr[np.where(known, rank, 0)] if len(self.subjects) else np.zeros(n, np.int64)
        counts = np.where(known, self.ptr[np.where(known, rank, 0) + 1] - start, 0) if len(self.subjects) else start
        if n and counts.min() == 1 == counts.max():  # one zone per subject: the common case
            return np.arange(n), self.rows[start]
        fix_index = np.repeat(np.arange(n), counts)
        first_pair = np.cumsum(counts) - counts
        within = np.arange(len(fix_index)) - first_pair[fix_index]
        return fix_index, self.rows[start[fix_index] + within]

    def _group_by_subject(self) -> None:
        subject = np.array([z.subject_id for z in self.zones], dtype=np.int64)
        order = np.argsort(subject, kind="stable")
        self.subjects, counts = np.unique(subject[order], return_counts=True)
        self.ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.rows = order.astype(np.int64)
        # Database ids are small and dense: a lookup table beats a binary search.
        self._lookup = None
        if len(self.subjects) and self.subjects[0] >= 0 and self.subjects[-1] < 4 * len(self.subjects) + 1_000_000:
            self._lookup = np.full(int(self.subjects[-1]) + 1, -1, dtype=np.int64)
            self._lookup[self.subjects] = np.arange(len(self.subjects))

    def _precompute_shapes(self) -> None:
        n = len(self.zones)
        self.kind = np.array([_kind(z) for z in self.zones], dtype=np.int8)
        self.radius = np.array([getattr(z, "radius_m", np.nan) for z in self.zones], dtype=np.float64)
        self.centre_lat, self.centre_lon = np.full(n, np.nan), np.full(n, np.nan)
        self.polygons: dict[int, ProjectedPolygon] = {}
        for row, zone in enumerate(self.zones):
            if isinstance(zone, CircleZone):
                self.centre_lat[row], self.centre_lon[row] = zone.lat, zone.lon
            elif isinstance(zone, PolygonZone):
                self.polygons[row] = ProjectedPolygon(zone.geometry)
                if zone.protected_lat is not None:
                    self.centre_lat[row], self.centre_lon[row] = zone.protected_lat, zone.protected_lon
        self.centre = Frame(self.centre_lat, self.centre_lon)
        self.moving_rows = np.flatnonzero(self.kind == Kind.MOVING)

    def _precompute_rules(self) -> None:
        self.inclusion = np.array([z.mode is Mode.INCLUSION for z in self.zones], dtype=bool)
        self.exit_margin = np.array([z.exit_margin_m for z in self.zones], dtype=np.float64)
        levels = max((len(z.approach_distances_m) for z in self.zones), default=0)
        self.approach = np.full((len(self.zones), levels), np.nan)
        for row, zone in enumerate(self.zones):
            distances = sorted(zone.approach_distances_m, reverse=True)
            self.approach[row, : len(distances)] = distances
        self.max_age = np.array([getattr(z, "max_age_s", np.nan) for z in self.zones], dtype=np.float64)
        self.protected_id = np.array([getattr(z, "protected_id", -1) for z in self.zones], dtype=np.int64)
        self._precompute_windows()
        rules = np.column_stack([self.exit_margin, self.approach])
        same = len(rules) and np.all(rules == rules[0]) and not np.isnan(rules[0]).any()
        self._uniform = [float(v) for v in rules[0]] if same else None

    def uniform_thresholds(self, row: np.ndarray) -> list[np.ndarray | float]:
        """Return the exit margin and approach distances of the given zone rows.

        Scalars when every zone shares them (the usual case, no gathers), else per-row arrays.
        """
        if self._uniform is not None:
            return self._uniform
        return [self.exit_margin[row]] + [self.approach[row, k] for k in range(self.approach.shape[1])]

    def _precompute_windows(self) -> None:
        self.window_row = np.full(len(self.zones), -1, dtype=np.int64)
        maps = []
        for row, zone in enumerate(self.zones):
            if zone.windows:
                self.window_row[row] = len(maps)
                maps.append(window_bitmap(zone.windows))
        self.window_open = np.array(maps, dtype=bool).reshape(len(maps), MINUTES_PER_WEEK)


def _kind(zone: Zone) -> Kind:
    if isinstance(zone, CircleZone):
        return Kind.CIRCLE
    if isinstance(zone, PolygonZone):
        return Kind.POLYGON
    if isinstance(zone, MovingZone):
        return Kind.MOVING
    raise TypeError(f"not a zone: {zone!r}")
