"""The compiled loop of the engine: numba code over zone and subject tables laid out for it.

`fill` goes once over the fixes in time order. Each fix is read once: its
frame (ECEF position, east and north), its motion from the subject's
previous fix, then every zone of its subject. The previous fix comes from
per-subject state carried along the loop, not from a sort, and its ECEF
position is kept there, so no trigonometry is done twice. `compiled.py`
prepares the call and finishes what the loop leaves.

numba is optional: without it AVAILABLE is False and nothing here is compiled.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping

import numpy as np

from . import geodesy
from .constants import MIN_CLOSING_SPEED_MPS, SUPPORTED_LAT_RANGE, SUPPORTED_LON_RANGE
from .index import Kind, ZoneIndex
from .motion import PointFix
from .targets import Targets
from .verdicts import InactiveReason
from .windows import MINUTES_PER_DAY, MINUTES_PER_WEEK

try:
    import numba
except ImportError:  # the engine runs on numpy alone (scripts/engine_standalone.py)
    numba = None

AVAILABLE = numba is not None

# cache=True keeps the machine code beside the source (or in NUMBA_CACHE_DIR) for the next process.
_jit = numba.njit(cache=True, nogil=True, error_model="numpy") if AVAILABLE else (lambda f: f)
# The loop's helpers are inlined into it, where no array view or tuple crosses a call.
_inline = numba.njit(inline="always", error_model="numpy") if AVAILABLE else (lambda f: f)

_A, _E2 = geodesy.A, geodesy.E2
_RAD = math.pi / 180.0
_DEG = 180.0 / math.pi
_BAND, _SERIES_LIMIT = geodesy.EXACT_BAND_M, geodesy.SERIES_LIMIT_M
_MOVING, _POLYGON = int(Kind.MOVING), int(Kind.POLYGON)
_STALE, _CLOSED = int(InactiveReason.NO_RECENT_PROTECTED_FIX), int(InactiveReason.OUTSIDE_TIME_WINDOW)
_MIN_CLOSING = MIN_CLOSING_SPEED_MPS
_TAN_PI_8 = math.tan(math.pi / 8.0)
_SINE_SERIES = np.array([(-1.0) ** k / math.factorial(2 * k + 1) for k in range(12)])  # sin x = sum c_k x^(2k+1)
_ATAN_SERIES = np.array([(-1.0) ** k / (2 * k + 1) for k in range(18)])  # atan v = sum of c_k v^(2k+1)
AREA = (*SUPPORTED_LAT_RANGE, *SUPPORTED_LON_RANGE)
NO_RANKS = np.zeros(0, dtype=np.int64)
_THURSDAY = 3 * MINUTES_PER_DAY  # 1970-01-01 was a Thursday: Monday 00:00 is minute 0 of the week

# The loop reads zones and subjects in random order: each is one row of a table, a cache line or two,
# rather than a dozen separate arrays. Zone tables are in subject order (ZoneIndex.rows), so the zones
# of subject rank r are rows ptr[r]..ptr[r + 1].
_X, _Y, _Z, _RADIUS, _AIM_ACC, _AIM_T, _MAX_AGE, _MARGIN, _APPROACH = range(9)  # float columns
_ZONE_ID, _ROW, _KIND, _INCLUSION, _WINDOW = range(5)  # int columns
# Per subject: the fix before the current run of equal times, and the run's representative fix.
_PREV_T, _PREV_ACC, _PREV_X, _PREV_Y, _PREV_Z, _RUN_T, _RUN_LAT, _RUN_LON, _RUN_ACC, _RUN_X, _RUN_Y, _RUN_Z = range(12)
_STATE_WIDTH = 16  # two cache lines
# Zone tables per index, built on first use and dropped with the index.
_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def zone_tables(index: ZoneIndex, targets: Targets) -> tuple[np.ndarray, np.ndarray]:
    """Return (float table, int table) of the zones, one row per zone in subject order.

    Built once per index; only the rows of moving zones change from call to call (a copy).
    """
    if index not in _TABLES:
        _TABLES[index] = _build_zone_tables(index, Targets(index, None, moving=False))
    floats, ints = _TABLES[index]
    moving = np.flatnonzero(ints[:, _KIND] == _MOVING)
    if len(moving):
        floats = floats.copy()
        aims = (targets.x, targets.y, targets.z, targets.accuracy, targets.t)
        for column, values in zip((_X, _Y, _Z, _AIM_ACC, _AIM_T), aims, strict=True):
            floats[moving, column] = values[ints[moving, _ROW]]
    return floats, ints


def _build_zone_tables(index: ZoneIndex, targets: Targets) -> tuple[np.ndarray, np.ndarray]:
    rows = index.rows
    columns = (targets.x, targets.y, targets.z, index.radius, targets.accuracy, targets.t, index.max_age)
    floats = np.column_stack([*(c[rows] for c in columns), index.exit_margin[rows], index.approach[rows]])
    ints = np.zeros((len(rows), 8), dtype=np.int64)  # eight columns: one cache line
    for column, values in zip(
        (_ZONE_ID, _ROW, _KIND, _INCLUSION, _WINDOW),
        (index.zone_id, np.arange(len(rows)), index.kind, index.inclusion, index.window_row),
        strict=True,
    ):
        ints[:, column] = values[rows]
    return _aligned(floats, np.float64), _aligned(ints, np.int64)


def _aligned(values: np.ndarray, dtype: type) -> np.ndarray:
    """Return a copy of a 2-D table whose rows start on cache-line boundaries, where its row width allows."""
    out = _aligned_empty(values.shape, dtype)
    out[...] = values
    return out


def _aligned_empty(shape: tuple[int, int], dtype: type) -> np.ndarray:
    """Return an empty C-ordered table starting on a 128-byte boundary (numpy's own start is 16-byte aligned):
    a row of 16 floats then takes two cache lines rather than three."""
    itemsize = np.dtype(dtype).itemsize
    raw = np.empty(shape[0] * shape[1] + 128 // itemsize, dtype=dtype)
    skip = (-raw.ctypes.data % 128) // itemsize
    return raw[skip : skip + shape[0] * shape[1]].reshape(shape)


def subject_state(index: ZoneIndex, rank: np.ndarray, previous_fixes: Mapping[int, PointFix] | None) -> np.ndarray:
    """Return the loop's per-subject table, holding each subject's fix before the batch (time NaN if none).

    Only the rows of subjects in the batch are set: a batch of one fix does not pay for every subject.
    """
    state = _aligned_empty((len(index.subjects), _STATE_WIDTH), np.float64)
    present = rank[rank >= 0] if len(rank) < len(state) else slice(None)
    state[present, _PREV_T] = np.nan
    state[present, _RUN_T] = -np.inf
    if previous_fixes:
        ids = np.fromiter(previous_fixes, dtype=np.int64, count=len(previous_fixes))
        known = index.subject_rank(ids) >= 0
        fixes = [previous_fixes[int(s)] for s in ids[known]]
        ranks = index.subject_rank(ids[known])
        lat, lon = np.array([f.lat for f in fixes]), np.array([f.lon for f in fixes])
        state[ranks, _PREV_T] = [f.t for f in fixes]
        state[ranks, _PREV_ACC] = [f.accuracy_m for f in fixes]
        state[ranks, _PREV_X], state[ranks, _PREV_Y], state[ranks, _PREV_Z] = points(lat, lon)
    return state


@_jit
def points(lat, lon):  # noqa: ANN001, ANN202
    """Return ECEF x, y, z of points by the loop's own arithmetic: a fix before the batch at the same
    place as one in it is the same point to the last bit, so standing still is a step of 0, not of rounding."""
    x, y, z = np.empty(len(lat)), np.empty(len(lat)), np.empty(len(lat))
    for i in range(len(lat)):
        x[i], y[i], z[i] = _frame(_sine(lat[i] * _RAD), _sine(lon[i] * _RAD))[:3]
    return x, y, z


@_jit
def scan(subject_id, table, given, fixes, ptr, area):  # noqa: ANN001, ANN202
    """One pass over the fixes: each one's subject rank, and whether every fix can be judged, the
    fixes are in time order, and each has exactly one zone. `given` holds the ranks when `table` is empty."""
    t, lat, lon, acc = fixes
    lat_min, lat_max, lon_min, lon_max = area
    rank = np.empty(len(t), np.int64)
    valid = chronological = one_each = True
    for i in range(len(t)):
        s = subject_id[i]
        r = (table[s] if 0 <= s < len(table) else -1) if len(table) else given[i]
        rank[i] = r
        one_each &= r >= 0 and ptr[r + 1] - ptr[r] == 1
        # The same conditions as check_fixes; NaN fails every one of them.
        valid &= (lat_min <= lat[i]) & (lat[i] <= lat_max) & (lon_min <= lon[i]) & (lon[i] <= lon_max)
        valid &= (acc[i] >= 0.0) & (acc[i] < np.inf) & (abs(t[i]) < np.inf)
        chronological &= i == 0 or t[i] >= t[i - 1]
    return rank, valid, chronological, one_each


@_jit
def pair_offsets(rank: np.ndarray, ptr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (fix index per pair, first pair per fix): pairs are fix-major."""
    first = np.empty(len(rank), dtype=np.int64)
    total = 0
    for i in range(len(rank)):
        first[i] = total
        if rank[i] >= 0:
            total += ptr[rank[i] + 1] - ptr[rank[i]]
    fix_index = np.empty(total, dtype=np.int64)
    for i in range(len(rank)):
        if rank[i] >= 0:
            for p in range(first[i], first[i] + ptr[rank[i] + 1] - ptr[rank[i]]):
                fix_index[p] = i
    return fix_index, first


@_inline
def _minute_of_week(t: float, instants: np.ndarray, offsets: np.ndarray) -> int:
    """Return the local minute of the week (Monday 00:00 is 0) of UTC seconds `t`."""
    lo, hi = 0, len(instants)
    while hi - lo > 1:  # the last transition at or before t
        mid = (lo + hi) // 2
        if instants[mid] <= t:
            lo = mid
        else:
            hi = mid
    minutes = int(math.floor((t + offsets[lo]) / 60.0))
    return (minutes + _THURSDAY) % MINUTES_PER_WEEK


@_jit
def fill(fixes, out, zones, state, max_speed):  # noqa: ANN001, ANN202
    """Fill every output column of every pair in one pass over the fixes in time order.

    Return ((pairs, zone rows, closing speeds) to decide exactly, (pairs, zone rows) of polygons).
    """
    rank, t, lat, lon, acc, order, first_pair = fixes
    ptr, floats, ints, window_open, instants, offsets = zones
    n_pairs = len(out[0])
    # Unpacked once: taking an array out of a tuple inside the loop costs a reference count each time.
    zone_id, active, reasons, inside, signed_m, centre_m, verdicts_, levels, beyond, suspect, speed, heading, eta = out
    exact = np.empty((n_pairs, 3), np.float64)  # pair, zone row, closing speed
    polygon = np.empty((n_pairs, 2), np.int64)  # pair, zone row
    n_exact = n_polygon = 0
    north_mps = np.empty(n_pairs)
    # Sines first, in a loop of their own over the fixes: plain arithmetic that runs as SIMD code.
    sin_lat, sin_lon = np.empty(len(lat)), np.empty(len(lon))
    for i in range(len(lat)):
        sin_lat[i], sin_lon[i] = _sine(lat[i] * _RAD), _sine(lon[i] * _RAD)
    for j in range(len(rank)):
        i = order[j] if len(order) else j
        r = rank[i]
        if r < 0:
            continue
        frame = _frame(sin_lat[i], sin_lon[i])
        _remember(state, r, t[i], lat[i], lon[i], acc[i], frame)
        motion = _motion(state, r, t[i], acc[i], frame, max_speed)
        minute = -1
        for z in range(ptr[r], ptr[r + 1]):
            p = first_pair[i] + z - ptr[r]
            reason = 0
            if ints[z, _KIND] == _MOVING and not abs(t[i] - floats[z, _AIM_T]) <= floats[z, _MAX_AGE]:
                reason = _STALE
            if ints[z, _WINDOW] >= 0:
                if minute < 0:
                    minute = _minute_of_week(t[i], instants, offsets)
                if not window_open[ints[z, _WINDOW], minute]:
                    reason = _CLOSED
            accuracy = acc[i] + floats[z, _AIM_ACC]
            centre, closing, near = _measure(frame, motion[1], motion[2], floats, z, accuracy)
            if near:
                exact[n_exact, 0], exact[n_exact, 1], exact[n_exact, 2] = p, ints[z, _ROW], closing
                n_exact += 1
            if ints[z, _KIND] == _POLYGON:
                polygon[n_polygon, 0], polygon[n_polygon, 1] = p, ints[z, _ROW]
                n_polygon += 1
            if reason == _STALE:
                centre = closing = np.nan
            s = centre - floats[z, _RADIUS]
            verdict, level, out_beyond = _rules(s, accuracy, ints[z, _INCLUSION] != 0, floats, z)
            zone_id[p], active[p], reasons[p] = ints[z, _ZONE_ID], reason == 0, reason
            inside[p], signed_m[p], centre_m[p] = s <= 0.0, s, centre
            verdicts_[p], levels[p], beyond[p] = verdict if reason == 0 else 0, level, out_beyond
            suspect[p], speed[p] = motion[3], motion[0]
            heading[p], north_mps[p] = motion[1], motion[2]  # velocity, until the heading loop below
            minutes = centre / closing * (1.0 / 60.0)
            eta[p] = minutes if closing >= _MIN_CLOSING else np.nan
    # Headings in a loop of their own, from the velocities parked in the heading column: plain
    # arithmetic on contiguous columns, which the compiler turns into SIMD code, several pairs at a time.
    for p in range(n_pairs):
        heading[p] = _heading_deg(heading[p], north_mps[p]) if speed[p] > 0.0 else np.nan
    exact = exact[:n_exact]
    pairs = (exact[:, 0].astype(np.int64), exact[:, 1].astype(np.int64), exact[:, 2].copy())
    return pairs, (polygon[:n_polygon, 0].copy(), polygon[:n_polygon, 1].copy())


@_inline
def _frame(sp: float, sl: float) -> tuple:
    """Return ECEF x, y, z, the east (ex, ey) and north (nx, ny, nz) unit vectors, 1/M and 1/N at a point
    given the sines of its latitude and longitude."""
    cp, cl = math.sqrt(1.0 - sp * sp), math.sqrt(1.0 - sl * sl)  # both angles within +-90 degrees
    w2 = 1.0 - _E2 * sp * sp
    n_radius = _A / math.sqrt(w2)
    inv_n = 1.0 / n_radius
    inv_m = w2 * inv_n * (1.0 / (1.0 - _E2))
    x, y, z = n_radius * cp * cl, n_radius * cp * sl, n_radius * (1.0 - _E2) * sp
    return (x, y, z, -sl, cl, -sp * cl, -sp * sl, cp, inv_m, inv_n)


@_inline
def _remember(s: np.ndarray, r: int, t: float, lat: float, lon: float, acc: float, frame: tuple) -> None:
    """Bring subject r's state up to a fix at time t (fixes arrive in time order).

    The previous fix of every fix in a run of equal times is the representative of the run before:
    the fix with the greatest (lat, lon, accuracy), the same one numpy's lexsort picks.
    """
    if t > s[r, _RUN_T]:
        if s[r, _RUN_T] > -np.inf:
            s[r, _PREV_T], s[r, _PREV_ACC] = s[r, _RUN_T], s[r, _RUN_ACC]
            s[r, _PREV_X], s[r, _PREV_Y], s[r, _PREV_Z] = s[r, _RUN_X], s[r, _RUN_Y], s[r, _RUN_Z]
        s[r, _RUN_T] = t
    elif not (lat, lon, acc) > (s[r, _RUN_LAT], s[r, _RUN_LON], s[r, _RUN_ACC]):
        return
    s[r, _RUN_LAT], s[r, _RUN_LON], s[r, _RUN_ACC] = lat, lon, acc
    s[r, _RUN_X], s[r, _RUN_Y], s[r, _RUN_Z] = frame[0], frame[1], frame[2]


@_inline
def _motion(s: np.ndarray, r: int, t: float, acc: float, frame: tuple, max_speed: float) -> tuple:
    """Return (speed, east and north m/s, suspect) from subject r's previous fix; NaN if none.

    The heading is left to a loop of its own (`_heading_deg`)."""
    nan = np.nan
    if not s[r, _PREV_T] < t:
        return nan, nan, nan, False
    dx, dy, dz = frame[0] - s[r, _PREV_X], frame[1] - s[r, _PREV_Y], frame[2] - s[r, _PREV_Z]
    step = math.sqrt(dx * dx + dy * dy + dz * dz)
    east = dx * frame[3] + dy * frame[4]
    north = dx * frame[5] + dy * frame[6] + dz * frame[7]
    dt = t - s[r, _PREV_T]
    inv_dt = 1.0 / dt
    speed = step * inv_dt
    return speed, east * inv_dt, north * inv_dt, step - s[r, _PREV_ACC] - acc > max_speed * dt


@_inline
def _sine(x: float) -> float:
    """Return sin x for |x| <= 1.3 (the supported area's angles in radians), within an ulp or two of libm's."""
    x2 = x * x
    series = _SINE_SERIES[-1]
    for k in range(len(_SINE_SERIES) - 2, -1, -1):
        series = series * x2 + _SINE_SERIES[k]
    return x * series


@_inline
def _heading_deg(east: float, north: float) -> float:
    """Return atan2(east, north) in degrees, 0 <= heading < 360, within an ulp or two of libm's.

    Arithmetic only, no call and no branch, so that the loop over all pairs runs several at a time:
    libm's atan2 inside the main loop took a third of its time. The angle to the nearer axis (tan <= 1)
    is taken down by pi/4 where its tan exceeds tan(pi/8); 18 terms of atan's series then leave an
    error under 2e-15 radians.
    """
    ae, an = abs(east), abs(north)
    big, small = max(ae, an), min(ae, an)
    u = small / big if big > 0.0 else 0.0
    shift = 1.0 if u > _TAN_PI_8 else 0.0
    v = (u - shift) / (1.0 + shift * u)  # tan(angle - pi/4) when shifted
    v2 = v * v
    series = _ATAN_SERIES[-1]
    for k in range(len(_ATAN_SERIES) - 2, -1, -1):
        series = series * v2 + _ATAN_SERIES[k]
    angle = shift * (0.25 * math.pi) + v * series  # to the nearer axis
    angle = 0.5 * math.pi - angle if ae > an else angle  # from north, 0..pi/2
    angle = math.pi - angle if north < 0.0 else angle
    angle = 2.0 * math.pi - angle if east < 0.0 else angle
    return angle * _DEG


@_inline
def _measure(frame: tuple, east_mps: float, north_mps: float, zones: np.ndarray, z: int, accuracy: float) -> tuple:
    """Return (geodesic metres to zone z's point, closing speed, whether GeographicLib must decide)."""
    x, y, zz, ex, ey, nx, ny, nz, inv_m, inv_n = frame
    dx, dy, dz = zones[z, _X] - x, zones[z, _Y] - y, zones[z, _Z] - zz
    c2 = dx * dx + dy * dy + dz * dz
    east, north = dx * ex + dy * ey, dx * nx + dy * ny + dz * nz
    h2 = east * east + north * north
    # Euler: 1/R = cos²α/M + sin²α/N; a zero chord has no direction, any R will do (geodesy.py).
    cos2 = north * north / h2 if h2 > 0.0 else 1.0
    inv_r = cos2 * inv_m + (1.0 - cos2) * inv_n
    k = c2 * inv_r * inv_r
    centre = math.sqrt(c2) * (1.0 + k * (1.0 / 24.0 + k * (3.0 / 640.0)))
    closing = (east_mps * east + north_mps * north) / math.sqrt(h2)
    # Every threshold is 0, +-accuracy, +-exit margin or an approach distance, so |signed| is compared.
    a = abs(centre - zones[z, _RADIUS])
    near = a <= _BAND or abs(a - accuracy) <= _BAND or centre > _SERIES_LIMIT or abs(a - zones[z, _MARGIN]) <= _BAND
    for q in range(_APPROACH, zones.shape[1]):
        near = near or abs(a - zones[z, q]) <= _BAND
    return centre, closing, near


@_inline
def _rules(signed: float, accuracy: float, inclusion: bool, zones: np.ndarray, z: int) -> tuple:
    """Return (verdict, approach level, beyond the exit margin): the rules of verdicts.py for one pair."""
    if inclusion:
        return (signed - accuracy > 0.0) + (signed > -accuracy), 0, signed < -zones[z, _MARGIN]
    level = 0
    for q in range(_APPROACH, zones.shape[1]):
        level += signed <= zones[z, q]  # NaN pads zones with fewer levels
    return (signed + accuracy <= 0.0) + (signed <= accuracy), level, signed > zones[z, _MARGIN]
