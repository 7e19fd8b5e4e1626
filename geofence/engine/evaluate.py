"""Evaluate batches of GPS fixes against the zones of their subjects.

One call takes arrays of fixes and returns one row per (fix, zone) pair as
numpy arrays, ordered by fix index and then by zone order in the index.
Geometry (inside, distances, approach level) is reported even for a zone out
of its time window; the verdict of an inactive pair is always CLEAR, and
`inactive_reason` says why it was not judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime

import numpy as np

from . import geodesy
from .constants import DEFAULT_MAX_SPEED_MPS, MIN_CLOSING_SPEED_MPS, SUPPORTED_LAT_RANGE, SUPPORTED_LON_RANGE
from .errors import InvalidFix, UnsupportedArea
from .index import Kind, ZoneIndex
from .motion import PointFix, Previous, previous_fixes_of, step_motion
from .verdicts import InactiveReason, Verdict, approach_levels, beyond_exit_margin, verdicts
from .windows import local_minute_of_week

CHUNK_PAIRS = 32768

__all__ = ["EvaluationResult", "FixBatch", "PairResult", "PointFix", "evaluate", "evaluate_fix", "to_unix"]


def to_unix(t: float | datetime) -> float:
    """Return UTC seconds since the epoch; naive datetimes are refused."""
    if isinstance(t, datetime):
        if t.tzinfo is None:
            raise ValueError(f"{t!r} is naive: give fix times with a timezone")
        return t.timestamp()
    return float(t)


@dataclass(frozen=True)
class FixBatch:
    """GPS fixes as parallel arrays; `t` is UTC seconds since the epoch."""

    subject_id: np.ndarray  # int64
    t: np.ndarray  # float64
    lat: np.ndarray  # float64, degrees WGS84
    lon: np.ndarray  # float64, degrees WGS84
    accuracy_m: np.ndarray  # float64, horizontal accuracy radius, >= 0

    @classmethod
    def from_arrays(cls, subject_id, t, lat, lon, accuracy_m) -> FixBatch:  # noqa: ANN001
        """Build a batch from array-likes; `t` may hold aware datetimes or UTC seconds."""
        t = np.asarray(t)
        if t.dtype == object:
            t = np.array([to_unix(v) for v in t], dtype=np.float64)
        return cls(
            np.asarray(subject_id, dtype=np.int64),
            np.asarray(t, dtype=np.float64),
            np.asarray(lat, dtype=np.float64),
            np.asarray(lon, dtype=np.float64),
            np.asarray(accuracy_m, dtype=np.float64),
        )

    def __len__(self) -> int:
        return len(self.t)


@dataclass(frozen=True)
class PairResult:
    """One (fix, zone) result as plain Python values; NaNs become None."""

    fix_index: int
    zone_id: int
    active: bool
    inactive_reason: InactiveReason
    inside: bool
    signed_distance_m: float | None
    centre_distance_m: float | None
    verdict: Verdict
    approach_level: int
    beyond_exit_margin: bool
    suspect: bool
    speed_mps: float | None
    heading_deg: float | None
    eta_min: float | None


@dataclass(frozen=True)
class EvaluationResult:
    """One row per (fix, zone) pair; all arrays have the same length."""

    fix_index: np.ndarray  # int64, index into the FixBatch
    zone_id: np.ndarray  # int64
    active: np.ndarray  # bool: zone in force and testable for this fix
    inactive_reason: np.ndarray  # int8 InactiveReason
    inside: np.ndarray  # bool: the fix position lies in the zone (boundary included)
    signed_distance_m: np.ndarray  # float64, to the boundary, negative inside; NaN if no centre
    centre_distance_m: np.ndarray  # float64, to the centre / protected point, NaN if none
    verdict: np.ndarray  # int8 Verdict (CLEAR when inactive)
    approach_level: np.ndarray  # int8, number of approach distances the fix is within
    beyond_exit_margin: np.ndarray  # bool: far enough out of violation to count toward an exit
    suspect: np.ndarray  # bool: implies an impossible speed from the subject's previous fix
    speed_mps: np.ndarray  # float64, from the previous fix; NaN if unknown
    heading_deg: np.ndarray  # float64, clockwise from north; NaN if unknown or standing
    eta_min: np.ndarray  # float64, minutes to the centre / protected point; NaN if not closing

    def __len__(self) -> int:
        return len(self.fix_index)

    def row(self, i: int) -> PairResult:
        """Return pair `i` as plain Python values."""
        values = {f.name: getattr(self, f.name)[i].item() for f in fields(self)}
        for name in ("signed_distance_m", "centre_distance_m", "speed_mps", "heading_deg", "eta_min"):
            if values[name] != values[name]:  # NaN
                values[name] = None
        values["verdict"] = Verdict(values["verdict"])
        values["inactive_reason"] = InactiveReason(values["inactive_reason"])
        return PairResult(**values)


def evaluate(
    index: ZoneIndex,
    fixes: FixBatch,
    *,
    protected_fixes: Mapping[int, PointFix] | None = None,
    previous_fixes: Mapping[int, PointFix] | None = None,
    max_speed_mps: float = DEFAULT_MAX_SPEED_MPS,
) -> EvaluationResult:
    """Test every fix against every zone of its subject.

    `protected_fixes` maps a MovingZone's protected_id to that person's latest
    fix; `previous_fixes` maps a subject id to its last fix before this batch,
    for speed, heading and the suspect flag. Raise UnsupportedArea naming the
    first fix outside the supported area, InvalidFix for a bad accuracy or time.
    """
    check_fixes(fixes)
    rank = index.subject_rank(fixes.subject_id)
    fix_index, row = index.pairs(rank)
    columns = (fixes.t, fixes.lat, fixes.lon, fixes.accuracy_m)
    # Rank + 1 numbers the subjects from 0; fixes of subjects without zones share 0 and yield no pairs.
    prev = previous_fixes_of(rank + 1, columns, fixes.subject_id, previous_fixes)
    job = _Job(index, fixes, prev, _Targets(index, row, protected_fixes), max_speed_mps)
    out = _empty_result(fix_index, index.zone_id[row])
    identity = len(row) == len(fixes) and np.array_equal(fix_index, np.arange(len(fixes)))
    # Work in cache-sized slices: numpy on 1M-element temporaries is bound by memory, not arithmetic.
    for start in range(0, len(row), CHUNK_PAIRS):
        pairs = slice(start, start + CHUNK_PAIRS)
        job.run(out, pairs, row[pairs], pairs if identity else fix_index[pairs])
    return out


def evaluate_fix(
    index: ZoneIndex,
    subject_id: int,
    t: float | datetime,
    lat: float,
    lon: float,
    accuracy_m: float,
    *,
    protected_fixes: Mapping[int, PointFix] | None = None,
    previous_fix: PointFix | None = None,
    max_speed_mps: float = DEFAULT_MAX_SPEED_MPS,
) -> list[PairResult]:
    """Test one fix against its subject's zones; one PairResult per zone."""
    batch = FixBatch(
        np.array([subject_id], dtype=np.int64),
        np.array([to_unix(t)]),
        np.array([lat], dtype=np.float64),
        np.array([lon], dtype=np.float64),
        np.array([accuracy_m], dtype=np.float64),
    )
    previous = {subject_id: previous_fix} if previous_fix is not None else None
    result = evaluate(
        index, batch, protected_fixes=protected_fixes, previous_fixes=previous, max_speed_mps=max_speed_mps
    )
    return [result.row(i) for i in range(len(result))]


def check_fixes(fixes: FixBatch) -> None:
    """Raise UnsupportedArea or InvalidFix for the first fix the engine cannot judge."""
    n = len(fixes)
    for name in ("subject_id", "lat", "lon", "accuracy_m"):
        if len(getattr(fixes, name)) != n:
            raise ValueError(f"FixBatch.{name} has {len(getattr(fixes, name))} values, t has {n}")
    lat, lon = fixes.lat, fixes.lon
    ok = (lat >= SUPPORTED_LAT_RANGE[0]) & (lat <= SUPPORTED_LAT_RANGE[1])
    ok &= (lon >= SUPPORTED_LON_RANGE[0]) & (lon <= SUPPORTED_LON_RANGE[1])
    if not ok.all():
        i = int(np.argmin(ok))
        raise UnsupportedArea(i, float(lat[i]), float(lon[i]))
    bad_acc = ~(fixes.accuracy_m >= 0.0) | ~np.isfinite(fixes.accuracy_m)
    if bad_acc.any():
        i = int(np.argmax(bad_acc))
        raise InvalidFix(i, "accuracy_m", float(fixes.accuracy_m[i]), "must be a finite number >= 0")
    bad_t = ~np.isfinite(fixes.t)
    if bad_t.any():
        i = int(np.argmax(bad_t))
        raise InvalidFix(i, "t", float(fixes.t[i]), "must be finite UTC seconds")


class _Targets:
    """Per zone row: the point distances are measured to (centre, protected point)."""

    def __init__(self, index: ZoneIndex, row: np.ndarray, protected_fixes: Mapping[int, PointFix] | None) -> None:
        c = index.centre
        self.lat, self.lon, self.x, self.y, self.z = index.centre_lat, index.centre_lon, c.x, c.y, c.z
        self.accuracy = np.zeros(len(index))
        self.t = np.full(len(index), np.nan)
        if len(index.moving_rows) and np.any(index.kind[row] == Kind.MOVING):
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


@dataclass(frozen=True)
class _Job:
    """What every slice of one evaluate() call shares."""

    index: ZoneIndex
    fixes: FixBatch
    prev: Previous
    targets: _Targets
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


def _empty_result(fix_index: np.ndarray, zone_id: np.ndarray) -> EvaluationResult:
    n = len(fix_index)
    flags = {name: np.zeros(n, dtype=bool) for name in ("active", "inside", "beyond_exit_margin", "suspect")}
    codes = {name: np.zeros(n, dtype=np.int8) for name in ("inactive_reason", "verdict", "approach_level")}
    names = ("signed_distance_m", "centre_distance_m", "speed_mps", "heading_deg", "eta_min")
    return EvaluationResult(
        fix_index=fix_index, zone_id=zone_id, **flags, **codes, **{name: np.empty(n) for name in names}
    )


def _inactive_reasons(index: ZoneIndex, t: np.ndarray, row: np.ndarray, targets: _Targets) -> np.ndarray:
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
