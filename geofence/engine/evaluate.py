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
from .motion import Motion, PointFix, motion
from .verdicts import InactiveReason, Verdict, approach_levels, beyond_exit_margin, verdicts
from .windows import local_minute_of_week

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
    frame = geodesy.Frame(fixes.lat, fixes.lon)
    tiebreak = (fixes.accuracy_m, fixes.lon, fixes.lat)
    moved = motion(fixes.subject_id, fixes.t, fixes.accuracy_m, frame, previous_fixes, max_speed_mps, tiebreak)
    fix_index, row = index.rows_of(fixes.subject_id)
    targets = _Targets(index, row, protected_fixes)
    identity = len(fix_index) == len(fixes)  # then fix_index is arange: skip the gathers
    origin = frame if identity else frame.take(fix_index)
    take = (lambda a: a) if identity else (lambda a: a[fix_index])
    reason = _inactive_reasons(index, fixes.t, take(fixes.t), row, targets)
    accuracy = take(fixes.accuracy_m) + targets.accuracy[row]
    geometry = _geometry(index, fixes, fix_index, row, origin, targets, accuracy)
    return _assemble(index, fix_index, row, reason, accuracy, geometry, moved, take)


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


def _inactive_reasons(index: ZoneIndex, t: np.ndarray, pair_t: np.ndarray, row: np.ndarray, targets: _Targets):  # noqa: ANN202
    reason = np.zeros(len(row), dtype=np.int8)
    if len(index.moving_rows):
        moving = index.kind[row] == Kind.MOVING
        stale = moving & ~(np.abs(pair_t - targets.t[row]) <= index.max_age[row])
        reason[stale] = InactiveReason.NO_RECENT_PROTECTED_FIX
    if len(index.window_open):
        wrow = index.window_row[row]
        windowed = np.flatnonzero(wrow >= 0)
        minute = local_minute_of_week(pair_t[windowed])
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


def _geometry(index, fixes, fix_index, row, origin, targets, accuracy) -> _Geometry:  # noqa: ANN001
    centre, east, north = geodesy.series_distance_en(origin, targets.x[row], targets.y[row], targets.z[row])
    signed = centre - index.radius[row]
    exact = _needs_exact(index, row, signed, centre, accuracy)
    if exact.any():
        lat, lon = fixes.lat[fix_index[exact]], fixes.lon[fix_index[exact]]
        centre[exact] = geodesy.exact_distance(lat, lon, targets.lat[row[exact]], targets.lon[row[exact]])
        signed[exact] = centre[exact] - index.radius[row[exact]]
    inside = signed <= 0.0
    if index.polygons:
        _polygon_geometry(index, fixes, fix_index, row, inside, signed)
    return _Geometry(inside, signed, centre, east, north)


def _needs_exact(index, row, signed, centre, accuracy) -> np.ndarray:  # noqa: ANN001
    """Return pairs the series cannot decide alone: far away, or within the band of a threshold."""
    band = geodesy.EXACT_BAND_M
    far = centre > geodesy.SERIES_LIMIT_M
    a = np.abs(signed)
    near = (a <= band) | (np.abs(a - accuracy) <= band) | (np.abs(a - index.exit_margin[row]) <= band)
    approach = index.approach[row]
    for level in range(approach.shape[1]):
        near |= np.abs(signed - approach[:, level]) <= band
    return far | near


def _polygon_geometry(index, fixes, fix_index, row, inside, signed) -> None:  # noqa: ANN001
    is_polygon = index.kind[row] == Kind.POLYGON
    if not is_polygon.any():
        return
    pairs = np.flatnonzero(is_polygon)
    order = pairs[np.argsort(row[pairs], kind="stable")]
    bounds = np.flatnonzero(np.diff(row[order])) + 1
    for group in np.split(order, bounds):
        polygon = index.polygons[int(row[group[0]])]
        f = fix_index[group]
        inside[group], signed[group] = polygon.signed_distance(fixes.lat[f], fixes.lon[f])


def _assemble(index, fix_index, row, reason, accuracy, geo: _Geometry, moved: Motion, take) -> EvaluationResult:  # noqa: ANN001
    inclusion = index.inclusion[row]
    verdict = verdicts(geo.signed, accuracy, inclusion)
    verdict[reason != InactiveReason.NONE] = Verdict.CLEAR
    return EvaluationResult(
        fix_index=fix_index,
        zone_id=index.zone_id[row],
        active=reason == InactiveReason.NONE,
        inactive_reason=reason,
        inside=geo.inside,
        signed_distance_m=geo.signed,
        centre_distance_m=geo.centre,
        verdict=verdict,
        approach_level=approach_levels(geo.signed, index.approach[row], inclusion),
        beyond_exit_margin=beyond_exit_margin(geo.signed, index.exit_margin[row], inclusion),
        suspect=take(moved.suspect),
        speed_mps=take(moved.speed_mps),
        heading_deg=take(moved.heading_deg),
        eta_min=_eta_minutes(geo, take(moved.east_mps), take(moved.north_mps)),
    )


def _eta_minutes(geo: _Geometry, east_mps: np.ndarray, north_mps: np.ndarray) -> np.ndarray:
    """Return minutes to the centre at the current closing speed; NaN when not closing in."""
    with np.errstate(divide="ignore", invalid="ignore"):
        closing = (east_mps * geo.east + north_mps * geo.north) / np.hypot(geo.east, geo.north)
        eta = geo.centre / closing / 60.0
    return np.where(closing >= MIN_CLOSING_SPEED_MPS, eta, np.nan)
