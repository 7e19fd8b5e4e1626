"""Speed, heading and the suspect flag, from each fix's previous fix of its subject."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .geodesy import Frame, ecef, step_vector


@dataclass(frozen=True)
class PointFix:
    """One earlier fix: a protected person's latest, or a subject's last before a batch."""

    t: float  # UTC seconds since the epoch
    lat: float
    lon: float
    accuracy_m: float = 0.0


@dataclass(frozen=True)
class Previous:
    """Per fix, its subject's latest strictly earlier fix; NaN where there is none."""

    t: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    accuracy_m: np.ndarray


@dataclass(frozen=True)
class Motion:
    """Per-fix motion; NaN where a fix has no earlier fix to compare with."""

    speed_mps: np.ndarray
    heading_deg: np.ndarray
    east_mps: np.ndarray
    north_mps: np.ndarray
    suspect: np.ndarray


def previous_fixes_of(
    group: np.ndarray,
    fixes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    subject_id: np.ndarray,
    previous_fixes: Mapping[int, PointFix] | None,
) -> Previous:
    """Return each fix's previous fix, from the batch or else from `previous_fixes`.

    `group` numbers the subjects (any ints, equal per subject); `fixes` is
    (t, lat, lon, accuracy_m).
    """
    t, lat, lon, acc = fixes
    prev = previous_in_time(group, t, (acc, lon, lat))
    has = prev >= 0
    src = np.where(has, prev, 0)
    nan = np.nan
    out = [np.where(has, a[src], nan) for a in (t, lat, lon, acc)] if len(t) else [np.zeros(0)] * 4
    if previous_fixes:
        _fill_from_mapping(subject_id, t, ~has, previous_fixes, out)
    return Previous(*out)


def previous_in_time(group: np.ndarray, t: np.ndarray, tiebreak: tuple[np.ndarray, ...] = ()) -> np.ndarray:
    """Return, per fix, the index of its subject's latest strictly earlier fix, or -1.

    Fixes with equal times share that earlier fix, and among several earlier
    fixes at one time the `tiebreak` keys pick one, so input order never
    changes a result.
    """
    order, ties = _time_order(group, t, tiebreak)
    s = group[order]
    prev = np.full(len(t), -1, dtype=np.int64)
    if not ties:  # then the previous fix is simply the one before in sorted order
        same = s[1:] == s[:-1]
        prev[order[1:][same]] = order[:-1][same]
        return prev
    ts = t[order]
    new_run = np.ones(len(order), dtype=bool)
    new_run[1:] = (s[1:] != s[:-1]) | (ts[1:] != ts[:-1])
    before_run = np.flatnonzero(new_run)[np.cumsum(new_run) - 1] - 1
    valid = before_run >= 0
    valid[valid] = s[before_run[valid]] == s[valid]
    prev[order[valid]] = order[before_run[valid]]
    return prev


def _time_order(group: np.ndarray, t: np.ndarray, tiebreak: tuple[np.ndarray, ...]) -> tuple[np.ndarray, bool]:
    """Return (order by subject then time, whether some subject has two fixes at one time)."""
    if len(t) < 2:
        return np.arange(len(t)), False
    if np.all(t[1:] >= t[:-1]):
        # A chronological feed (the usual case) needs only a stable sort by subject,
        # a linear radix sort when the subject numbers fit in 16 bits.
        small = group.min() >= 0 and group.max() < 65536
        order = np.argsort(group.astype(np.uint16) if small else group, kind="stable")
    else:
        order = np.lexsort((t, group))
    s, ts = group[order], t[order]
    ties = bool(np.any((s[1:] == s[:-1]) & (ts[1:] == ts[:-1])))
    if ties and tiebreak:
        order = np.lexsort((*tiebreak, t, group))
    return order, ties


def _fill_from_mapping(
    subject_id: np.ndarray, t: np.ndarray, missing: np.ndarray, previous_fixes: Mapping[int, PointFix], out: list
) -> None:
    for i in np.flatnonzero(missing):
        fix = previous_fixes.get(int(subject_id[i]))
        if fix is not None and fix.t < t[i]:
            for values, value in zip(out, (fix.t, fix.lat, fix.lon, fix.accuracy_m), strict=True):
                values[i] = value


def step_motion(frame: Frame, t: np.ndarray, accuracy_m: np.ndarray, prev: Previous, max_speed_mps: float) -> Motion:
    """Return motion from the previous fixes to the fixes in `frame` (all arrays aligned).

    A fix is suspect when even the most generous reading of both accuracy
    radii needs more than `max_speed_mps` to get there from the subject's
    previous fix. Suspect fixes are flagged, never dropped.
    """
    px, py, pz = ecef(prev.lat, prev.lon)
    dist, east, north = step_vector(px, py, pz, frame)
    dt = t - prev.t
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_dt = np.where(dt > 0, 1.0 / dt, np.nan)
    heading = np.arctan2(east, north) * (180.0 / np.pi)
    heading += 360.0 * (heading < 0.0)
    speed = dist * inv_dt
    suspect = dist - prev.accuracy_m - accuracy_m > max_speed_mps * dt  # NaN compares False
    return Motion(speed, np.where(speed > 0, heading, np.nan), east * inv_dt, north * inv_dt, suspect)
