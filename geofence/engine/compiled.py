"""The compiled kernel: the numba loop of `compiled_loop.py`, with numpy around it for the rare cases.

The loop fills every output column of every pair and leaves two short lists
for numpy to finish: pairs within EXACT_BAND_M of a threshold or beyond
SERIES_LIMIT_M (GeographicLib decides them) and polygon pairs (shapely
measures them). Results equal those of `vectorised.py` (tests/engine runs
every test on both kernels). Without numba AVAILABLE is False and the
numpy kernel runs.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from . import geodesy
from .batch import FixBatch, check_fixes
from .compiled_loop import AREA, AVAILABLE, NO_RANKS, fill, pair_offsets, scan, subject_state, zone_tables
from .constants import MIN_CLOSING_SPEED_MPS
from .index import ZoneIndex
from .motion import PointFix
from .result import EvaluationResult, empty_result
from .targets import Targets
from .verdicts import InactiveReason, approach_levels, beyond_exit_margin, verdicts
from .windows import WeeklyWindow, offset_table
from .zones import CircleZone

__all__ = ["AVAILABLE", "evaluate_compiled", "warm_up"]

# The columns the loop fills, allocated by numpy (which asks the kernel for huge pages: fewer page faults).
_COLUMNS = (
    "zone_id", "active", "inactive_reason", "inside", "signed_distance_m", "centre_distance_m", "verdict",
    "approach_level", "beyond_exit_margin", "suspect", "speed_mps", "heading_deg", "eta_min",
)  # fmt: skip


def evaluate_compiled(
    index: ZoneIndex,
    fixes: FixBatch,
    protected_fixes: Mapping[int, PointFix] | None,
    previous_fixes: Mapping[int, PointFix] | None,
    max_speed_mps: float,
) -> EvaluationResult:
    """Return the pairs of every fix with its subject's zones; raise what check_fixes raises for a bad fix."""
    t, lat, lon, accuracy = (
        np.ascontiguousarray(a, dtype=np.float64) for a in (fixes.t, fixes.lat, fixes.lon, fixes.accuracy_m)
    )
    subject_id = np.ascontiguousarray(fixes.subject_id, dtype=np.int64)
    table = index.rank_table
    given = index.subject_rank(subject_id) if table is None else NO_RANKS
    rank, valid, chronological, one_each = scan(
        subject_id, NO_RANKS if table is None else table, given, (t, lat, lon, accuracy), index.ptr, AREA
    )
    if not valid:
        check_fixes(fixes)  # names the first bad fix and its field
    order = NO_RANKS if chronological else np.argsort(t, kind="stable")
    if one_each:  # one zone per subject, every fix with zones: pair i is fix i
        fix_index = first_pair = np.arange(len(t))
    else:
        fix_index, first_pair = pair_offsets(rank, index.ptr)
    targets = Targets(index, protected_fixes, moving=True)  # the index's own arrays unless it has moving zones
    instants, offsets = offset_table(t) if len(index.window_open) and len(t) else (np.zeros(1), np.zeros(1))
    result = empty_result(fix_index, np.empty(len(fix_index), dtype=np.int64))
    exact, polygon = fill(
        (rank, t, lat, lon, accuracy, order, first_pair),
        tuple(getattr(result, name) for name in _COLUMNS),
        (index.ptr, *zone_tables(index, targets), index.window_open, instants, offsets),
        subject_state(index, rank, previous_fixes),
        float(max_speed_mps),
    )
    _decide_exactly(result, index, fixes, targets, *exact)
    _measure_polygons(result, index, fixes, targets, *polygon)
    return result


def warm_up() -> None:
    """Compile (or load from numba's cache) the kernel now, so that the first real batch does not wait."""
    if not AVAILABLE:
        return
    night = (WeeklyWindow.parse("22:00-06:00"),)
    home = CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0, windows=night)
    fixes = FixBatch.from_arrays([1, 1, 2], [1.0, 0.0, 0.0], [52.0, 52.01, 52.0], [5.0] * 3, [5.0] * 3)
    # One zone per subject, and two zones for one subject: both ways of numbering the pairs.
    for zones in ([home], [home, CircleZone(zone_id=2, subject_id=1, lat=52.1, lon=5.0)]):
        evaluate_compiled(ZoneIndex(zones), fixes, None, {1: PointFix(-1.0, 52.0, 5.0)}, 70.0)


def _decide_exactly(result, index, fixes, targets, pairs, rows, closing) -> None:  # noqa: ANN001
    """Give the pairs the series cannot decide GeographicLib's distance, and decide them again."""
    if not len(pairs):
        return
    f = result.fix_index[pairs]
    centre = geodesy.exact_distance(fixes.lat[f], fixes.lon[f], targets.lat[rows], targets.lon[rows])
    centre[result.inactive_reason[pairs] == InactiveReason.NO_RECENT_PROTECTED_FIX] = np.nan
    signed = centre - index.radius[rows]
    result.centre_distance_m[pairs] = centre
    result.signed_distance_m[pairs] = signed
    result.inside[pairs] = signed <= 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = centre / closing * (1.0 / 60.0)
    result.eta_min[pairs] = np.where(closing >= MIN_CLOSING_SPEED_MPS, eta, np.nan)
    _decide(result, index, fixes, targets, pairs, rows)


def _measure_polygons(result, index, fixes, targets, pairs, rows) -> None:  # noqa: ANN001
    """Put shapely's containment and boundary distance on polygon pairs, and decide them."""
    if not len(pairs):
        return
    order = np.argsort(rows, kind="stable")
    pairs, rows = pairs[order], rows[order]
    f = result.fix_index[pairs]
    for group in np.split(np.arange(len(pairs)), np.flatnonzero(np.diff(rows)) + 1):
        polygon = index.polygons[int(rows[group[0]])]
        inside, signed = polygon.signed_distance(fixes.lat[f[group]], fixes.lon[f[group]])
        result.inside[pairs[group]], result.signed_distance_m[pairs[group]] = inside, signed
    _decide(result, index, fixes, targets, pairs, rows)


def _decide(result, index, fixes, targets, pairs, rows) -> None:  # noqa: ANN001
    """Decide verdict, approach level and exit flag of the given pairs again from their signed distances."""
    signed = result.signed_distance_m[pairs]
    inclusion = index.inclusion[rows]
    accuracy = fixes.accuracy_m[result.fix_index[pairs]] + targets.accuracy[rows]
    verdict = verdicts(signed, accuracy, inclusion)
    verdict[result.inactive_reason[pairs] != InactiveReason.NONE] = 0
    result.verdict[pairs] = verdict
    result.approach_level[pairs] = approach_levels(signed, index.approach[rows], inclusion)
    result.beyond_exit_margin[pairs] = beyond_exit_margin(signed, index.exit_margin[rows], inclusion)
