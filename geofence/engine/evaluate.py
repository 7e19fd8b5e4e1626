"""Evaluate batches of GPS fixes against the zones of their subjects.

One call takes arrays of fixes and returns one row per (fix, zone) pair as
numpy arrays, ordered by fix index and then by zone order in the index.
Geometry (inside, distances, approach level) is reported even for a zone out
of its time window; the verdict of an inactive pair is always CLEAR, and
`inactive_reason` says why it was not judged.

Two kernels do the work with the same results: "compiled" (numba, one fused
loop, `compiled.py`) and "numpy" (whole-array steps, `vectorised.py`), which
runs wherever numpy does. The compiled one is the default when numba is installed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

import numpy as np

from . import compiled
from .batch import FixBatch, check_fixes, to_unix
from .constants import DEFAULT_MAX_SPEED_MPS
from .index import ZoneIndex
from .motion import PointFix
from .result import EvaluationResult, PairResult
from .vectorised import evaluate_numpy

__all__ = [
    "DEFAULT_KERNEL",
    "KERNELS",
    "EvaluationResult",
    "FixBatch",
    "PairResult",
    "PointFix",
    "check_fixes",
    "evaluate",
    "evaluate_fix",
    "to_unix",
]

_RUNNERS: dict[str, Callable[..., EvaluationResult]] = {"numpy": evaluate_numpy}
if compiled.AVAILABLE:
    _RUNNERS["compiled"] = compiled.evaluate_compiled
KERNELS = tuple(sorted(_RUNNERS))
DEFAULT_KERNEL = "compiled" if compiled.AVAILABLE else "numpy"


def evaluate(
    index: ZoneIndex,
    fixes: FixBatch,
    *,
    protected_fixes: Mapping[int, PointFix] | None = None,
    previous_fixes: Mapping[int, PointFix] | None = None,
    max_speed_mps: float = DEFAULT_MAX_SPEED_MPS,
    kernel: str | None = None,
) -> EvaluationResult:
    """Test every fix against every zone of its subject.

    `protected_fixes` maps a MovingZone's protected_id to that person's latest
    fix; `previous_fixes` maps a subject id to its last fix before this batch,
    for speed, heading and the suspect flag. Raise UnsupportedArea naming the
    first fix outside the supported area, InvalidFix for a bad accuracy or time.
    `kernel` is one of KERNELS; None takes DEFAULT_KERNEL (the compiled one when numba is installed).
    """
    return _kernel(kernel)(index, fixes, protected_fixes, previous_fixes, max_speed_mps)


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
    kernel: str | None = None,
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
        index,
        batch,
        protected_fixes=protected_fixes,
        previous_fixes=previous,
        max_speed_mps=max_speed_mps,
        kernel=kernel,
    )
    return [result.row(i) for i in range(len(result))]


def _kernel(name: str | None) -> Callable[..., EvaluationResult]:
    try:
        return _RUNNERS[name or DEFAULT_KERNEL]
    except KeyError:
        raise ValueError(f"unknown or unavailable engine kernel {name!r}; available: {', '.join(KERNELS)}") from None
