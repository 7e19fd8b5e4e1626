"""The numpy kernel: every step of the evaluation as whole-array operations, in cache-sized slices.

It runs wherever numpy does; `compiled.py` does the same work in one compiled loop and gives the
same results (tests/engine runs every test on both).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from . import geodesy
from .batch import FixBatch, check_fixes
from .constants import MIN_CLOSING_SPEED_MPS
from .index import Kind, ZoneIndex
from .motion import PointFix, Previous, previous_fixes_of, step_motion
from .result import EvaluationResult, empty_result
from .targets import Targets, uses_moving_zones
from .verdicts import InactiveReason, Verdict, approach_levels, beyond_exit_margin, verdicts
from .windows import local_minute_of_week

CHUNK_PAIRS = 32768


def evaluate_numpy(
    index: ZoneIndex,
    fixes: FixBatch,
    protected_fixes: Mapping[int, PointFix] | None,
    previous_fixes: Mapping[int, PointFix] | None,
    max_speed_mps: float,
) -> EvaluationResult:
    """Return the pairs of every fix with its subject's zones; raise for the first fix that cannot be judged."""
    check_fixes(fixes)
    rank = index.subject_rank(fixes.subject_id)
    fix_index, row = index.pairs(rank)
    columns = (fixes.t, fixes.lat, fixes.lon, fixes.accuracy_m)
    # Rank + 1 numbers the subjects from 0; fixes of subjects without zones share 0 and yield no pairs.
    prev = previous_fixes_of(rank + 1, columns, fixes.subject_id, previous_fixes)
    targets = Targets(index, protected_fixes, moving=uses_moving_zones(index, row))
    job = _Job(index, fixes, prev, targets, max_speed_mps)
    out = empty_result(fix_index, index.zone_id[row])
    identity = len(row) == len(fixes) and np.array_equal(fix_index, np.arange(len(fixes)))
    # Work in cache-sized slices: numpy on 1M-element temporaries is bound by memory, not arithmetic.
    for start in range(0, len(row), CHUNK_PAIRS):
        pairs = slice(start, start + CHUNK_PAIRS)
        job.run(out, pairs, row[pairs], pairs if identity else fix_index[pairs])
    return out


@dataclass(frozen=True)
class _Job:
    """What every slice of one evaluate() call shares."""

    index: ZoneIndex
    fixes: FixBatch
    prev: Previous
    targets: Targets
    max_speed_mps: float

    def run(self, out: EvaluationResult, pairs: slice, row: np.ndarray, fix: slice | np.ndarray) -> None:
        """Evaluate the pairs in `pairs` (zone rows `row`, fixes `fix`) into `out`."""
        f, index = self.fixes, self.index
        t, lat, lon, fix_accuracy = f.t[fix], f.lat[fix], f.lon[fix], f.accuracy_m[fix]
        frame = geodesy.Frame(lat, lon)
        prev = Previous(self.prev.t[fix], self.prev.lat[fix], self.prev.lon[fix], self.prev.accuracy_m[fix])
        moved = step_motion(frame, t, fix_accuracy, prev, self.max_speed_mps)
        reason = _inactive_reasons(index, t, row, self.targets)
        accuracy = fix_accuracy + self.targets.accuracy[row]
        geo = _geometry(index, lat, lon, row, frame, self.targets, accuracy)
        geo.forget(reason == InactiveReason.NO_RECENT_PROTECTED_FIX)
        inclusion = index.inclusion[row]
        verdict = verdicts(geo.signed, accuracy, inclusion)
        verdict[reason != InactiveReason.NONE] = Verdict.CLEAR
        out.active[pairs] = reason == InactiveReason.NONE
        out.inactive_reason[pairs] = reason
        out.inside[pairs] = geo.inside
        out.signed_distance_m[pairs] = geo.signed
        out.centre_distance_m[pairs] = geo.centre
        out.verdict[pairs] = verdict
        out.approach_level[pairs] = approach_levels(geo.signed, index.approach[row], inclusion)
        out.beyond_exit_margin[pairs] = beyond_exit_margin(geo.signed, index.exit_margin[row], inclusion)
        out.suspect[pairs] = moved.suspect
        out.speed_mps[pairs] = moved.speed_mps
        out.heading_deg[pairs] = moved.heading_deg
        out.eta_min[pairs] = _eta_minutes(geo, moved.east_mps, moved.north_mps)


def _inactive_reasons(index: ZoneIndex, t: np.ndarray, row: np.ndarray, targets: Targets) -> np.ndarray:
    reason = np.zeros(len(row), dtype=np.int8)
    if len(index.moving_rows):
        moving = index.kind[row] == Kind.MOVING
        stale = moving & ~(np.abs(t - targets.t[row]) <= index.max_age[row])
        reason[stale] = InactiveReason.NO_RECENT_PROTECTED_FIX
    if len(index.window_open):
        wrow = index.window_row[row]
        windowed = np.flatnonzero(wrow >= 0)
        minute = local_minute_of_week(t[windowed])
        closed = ~index.window_open[wrow[windowed], minute]
        reason[windowed[closed]] = InactiveReason.OUTSIDE_TIME_WINDOW
    return reason


@dataclass
class _Geometry:
    inside: np.ndarray
    signed: np.ndarray
    centre: np.ndarray
    east: np.ndarray
    north: np.ndarray

    def forget(self, unknown: np.ndarray) -> None:
        """Blank pairs whose centre is not known well enough to measure from."""
        if unknown.any():
            self.inside[unknown] = False
            for values in (self.signed, self.centre, self.east, self.north):
                values[unknown] = np.nan


def _geometry(index, lat, lon, row, frame, targets, accuracy) -> _Geometry:  # noqa: ANN001
    centre, east, north = geodesy.series_distance_en(frame, targets.x[row], targets.y[row], targets.z[row])
    signed = centre - index.radius[row]
    exact = np.flatnonzero(_needs_exact(index, row, signed, centre, accuracy))
    if len(exact):
        r = row[exact]
        centre[exact] = geodesy.exact_distance(lat[exact], lon[exact], targets.lat[r], targets.lon[r])
        signed[exact] = centre[exact] - index.radius[r]
    inside = signed <= 0.0
    if index.polygons:
        _polygon_geometry(index, lat, lon, row, inside, signed)
    return _Geometry(inside, signed, centre, east, north)


def _needs_exact(index, row, signed, centre, accuracy) -> np.ndarray:  # noqa: ANN001
    """Return pairs the series cannot decide alone: far away, or within the band of a threshold."""
    band = geodesy.EXACT_BAND_M
    a = np.abs(signed)
    # Every threshold is 0, +-accuracy, +-exit margin or an approach distance, so |signed| is compared.
    near = (a <= band) | (np.abs(a - accuracy) <= band) | (centre > geodesy.SERIES_LIMIT_M)
    for threshold in index.uniform_thresholds(row):
        near |= np.abs(a - threshold) <= band
    return near


def _polygon_geometry(index, lat, lon, row, inside, signed) -> None:  # noqa: ANN001
    is_polygon = index.kind[row] == Kind.POLYGON
    if not is_polygon.any():
        return
    pairs = np.flatnonzero(is_polygon)
    order = pairs[np.argsort(row[pairs], kind="stable")]
    bounds = np.flatnonzero(np.diff(row[order])) + 1
    for group in np.split(order, bounds):
        polygon = index.polygons[int(row[group[0]])]
        inside[group], signed[group] = polygon.signed_distance(lat[group], lon[group])


def _eta_minutes(geo: _Geometry, east_mps: np.ndarray, north_mps: np.ndarray) -> np.ndarray:
    """Return minutes to the centre at the current closing speed; NaN when not closing in."""
    with np.errstate(divide="ignore", invalid="ignore"):
        closing = (east_mps * geo.east + north_mps * geo.north) / np.sqrt(geo.east * geo.east + geo.north * geo.north)
        eta = geo.centre / closing * (1.0 / 60.0)
    return np.where(closing >= MIN_CLOSING_SPEED_MPS, eta, np.nan)
