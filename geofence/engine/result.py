"""EvaluationResult: one row per (fix, zone) pair, as numpy arrays or as plain values."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .verdicts import InactiveReason, Verdict


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


def empty_result(fix_index: np.ndarray, zone_id: np.ndarray) -> EvaluationResult:
    n = len(fix_index)
    flags = {name: np.zeros(n, dtype=bool) for name in ("active", "inside", "beyond_exit_margin", "suspect")}
    codes = {name: np.zeros(n, dtype=np.int8) for name in ("inactive_reason", "verdict", "approach_level")}
    names = ("signed_distance_m", "centre_distance_m", "speed_mps", "heading_deg", "eta_min")
    return EvaluationResult(
        fix_index=fix_index, zone_id=zone_id, **flags, **codes, **{name: np.empty(n) for name in names}
    )
