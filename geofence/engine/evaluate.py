"""Evaluate batches of GPS fixes against the zones of their subjects.

One call takes arrays of fixes and returns one row per (fix, zone) pair as
numpy arrays, ordered by fix index and then by zone order in the index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .constants import DEFAULT_MAX_SPEED_MPS
from .index import ZoneIndex
from .verdicts import InactiveReason, Verdict


@dataclass(frozen=True)
class FixBatch:
    """GPS fixes as parallel arrays; `t` is UTC seconds since the epoch."""

    subject_id: np.ndarray  # int64
    t: np.ndarray  # float64
    lat: np.ndarray  # float64, degrees WGS84
    lon: np.ndarray  # float64, degrees WGS84
    accuracy_m: np.ndarray  # float64, horizontal accuracy radius, >= 0

    @classmethod
    def from_arrays(cls, subject_id, t, lat, lon, accuracy_m) -> FixBatch:
        """Build a batch from array-likes, converting dtypes and datetimes."""
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self.t)


@dataclass(frozen=True)
class PointFix:
    """One earlier fix: a protected person's latest, or a subject's last before a batch."""

    t: float
    lat: float
    lon: float
    accuracy_m: float = 0.0


@dataclass(frozen=True)
class EvaluationResult:
    """One row per (fix, zone) pair; all arrays have the same length."""

    fix_index: np.ndarray  # int64, index into the FixBatch
    zone_id: np.ndarray  # int64
    active: np.ndarray  # bool: zone in force and testable for this fix
    inactive_reason: np.ndarray  # int8 InactiveReason
    inside: np.ndarray  # bool: the fix position lies in the zone (boundary included)
    signed_distance_m: np.ndarray  # float64, to the boundary, negative inside
    centre_distance_m: np.ndarray  # float64, to the centre / protected point, NaN if none
    verdict: np.ndarray  # int8 Verdict (CLEAR when inactive)
    approach_level: np.ndarray  # int8, number of approach distances the fix is within
    beyond_exit_margin: np.ndarray  # bool: far enough out of violation to count toward an exit
    suspect: np.ndarray  # bool: implies an impossible speed from the subject's previous fix
    speed_mps: np.ndarray  # float64, from the previous fix; NaN if unknown
    heading_deg: np.ndarray  # float64, clockwise from north; NaN if unknown
    eta_min: np.ndarray  # float64, minutes to the centre / protected point; NaN if none

    def __len__(self) -> int:
        return len(self.fix_index)

    def row(self, i: int) -> PairResult:
        """Return pair `i` as plain Python values."""
        raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError
