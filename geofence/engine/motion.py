"""Speed, heading and the suspect flag, from each fix's previous fix of its subject."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .geodesy import Frame, step_vector


@dataclass(frozen=True)
class PointFix:
    """One earlier fix: a protected person's latest, or a subject's last before a batch."""

    t: float  # UTC seconds since the epoch
    lat: float
    lon: float
    accuracy_m: float = 0.0


@dataclass(frozen=True)
class Motion:
    """Per-fix motion; NaN where a fix has no earlier fix to compare with."""

    speed_mps: np.ndarray
    heading_deg: np.ndarray
    east_mps: np.ndarray
    north_mps: np.ndarray
    suspect: np.ndarray


def motion(
    subject_id: np.ndarray,
    t: np.ndarray,
    accuracy_m: np.ndarray,
    frame: Frame,
    previous_fixes: Mapping[int, PointFix] | None,
    max_speed_mps: float,
    tiebreak: tuple[np.ndarray, ...] = (),
) -> Motion:
    """Compare every fix with its subject's previous fix in event-time order.

    A fix is suspect when even the most generous reading of both accuracy
    radii needs more than `max_speed_mps` to get there. Suspect fixes are
    flagged, never dropped, and still serve as "previous" for the next fix.
    """
    prev = previous_in_time(subject_id, t, tiebreak)
    n = len(t)
    px, py, pz = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    pt, pacc = np.full(n, np.nan), np.full(n, np.nan)
    has = prev >= 0
    src = prev[has]
    px[has], py[has], pz[has] = frame.x[src], frame.y[src], frame.z[src]
    pt[has], pacc[has] = t[src], accuracy_m[src]
    if previous_fixes:
        _fill_from_mapping(subject_id, t, ~has, previous_fixes, (px, py, pz, pt, pacc))
    return _from_steps(frame, t, accuracy_m, (px, py, pz, pt, pacc), max_speed_mps)


def previous_in_time(subject_id: np.ndarray, t: np.ndarray, tiebreak: tuple[np.ndarray, ...] = ()) -> np.ndarray:
    """Return, per fix, the index of the same subject's previous fix by time, or -1."""
    order = _time_order(subject_id, t, tiebreak)
    prev = np.full(len(t), -1, dtype=np.int64)
    if len(order) > 1:
        same = subject_id[order[1:]] == subject_id[order[:-1]]
        prev[order[1:][same]] = order[:-1][same]
    return prev


def _time_order(subject_id: np.ndarray, t: np.ndarray, tiebreak: tuple[np.ndarray, ...]) -> np.ndarray:
    s_step, t_step = np.diff(subject_id), np.diff(t)
    if np.all((s_step > 0) | ((s_step == 0) & (t_step > 0))):
        return np.arange(len(t))  # feeds often arrive sorted: skip the sort
    order = np.lexsort((t, subject_id))
    s, ts = subject_id[order], t[order]
    if tiebreak and np.any((s[1:] == s[:-1]) & (ts[1:] == ts[:-1])):
        # Equal times: order by position too, so input order never matters.
        order = np.lexsort((*tiebreak, t, subject_id))
    return order


def _fill_from_mapping(subject_id, t, missing, previous_fixes, out) -> None:  # noqa: ANN001
    px, py, pz, pt, pacc = out
    for i in np.flatnonzero(missing):
        fix = previous_fixes.get(int(subject_id[i]))
        if fix is None or not fix.t <= t[i]:
            continue
        f = Frame(np.array([fix.lat]), np.array([fix.lon]))
        px[i], py[i], pz[i] = f.x[0], f.y[0], f.z[0]
        pt[i], pacc[i] = fix.t, fix.accuracy_m


def _from_steps(frame: Frame, t, accuracy_m, prev, max_speed_mps: float) -> Motion:  # noqa: ANN001
    px, py, pz, pt, pacc = prev
    dist, east, north = step_vector(px, py, pz, frame)
    dt = t - pt
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(dt > 0, dist / dt, np.nan)
        east_v, north_v = np.where(dt > 0, east / dt, np.nan), np.where(dt > 0, north / dt, np.nan)
    heading = np.where(speed > 0, np.degrees(np.arctan2(east, north)) % 360.0, np.nan)
    excess = dist - pacc - accuracy_m
    suspect = excess > max_speed_mps * dt  # NaN (no previous fix) compares False
    return Motion(speed, heading, east_v, north_v, suspect)
