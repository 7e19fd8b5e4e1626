"""Run stored fixes through the engine and the per-zone tracker; turn what it says into incident changes.

One call handles the fixes of many devices in one engine batch. It is
idempotent: per device, only fixes after `DeviceStatus.evaluated_until` are
processed, under a per-device lock (the DeviceStatus row), so a re-run or a
concurrent run of the same fixes changes nothing. `tracking.ZoneIncidents`
turns the tracker's steps into incidents.

A failure in evaluation must never roll back an accepted fix. The feed
evaluates inside a savepoint of its storing transaction, before the 202 goes
out (FEED_EVALUATE_IN_REQUEST; geofence.feeds.services.record_and_evaluate),
so an entering fix's incident and outbox row commit with the fix; a failure
rolls back the savepoint only and a worker retries (evaluate_device_ranges).

Three more entry points keep the promise that every stored fix is judged:
`evaluate_due_fixes` (periodic) judges fixes that no batch has judged yet,
such as a fix stamped ahead of the server's clock once its time has come;
`evaluate_recent_fixes` judges a subject's last minutes of fixes again when a
ban or device assignment of theirs starts or changes, so a fix that beat the
ban by a second still opens its incident.

Most fixes of a typical batch are far from every zone: a device whose tracks
stay plain skips the tracker and only moves `evaluated_until` (_loud_devices).
"""

import math
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from geofence.db import (
    DeviceState,
    from_epoch,
    lock_devices,
    previous_fix_rows,
    stored_fix_rows,
    subject_assignment_rows,
    update_from_values,
)
from geofence.engine.constants import SUPPORTED_LAT_RANGE, SUPPORTED_LON_RANGE
from geofence.engine.evaluate import FixBatch, PointFix, evaluate
from geofence.engine.verdicts import InactiveReason, Verdict
from geofence.models import DeviceAssignment, DeviceStatus

from . import devices as device_incidents
from .tracking import ZoneIncidents, is_plain, tracks_of
from .zones import Catalogue, current_catalogue

# Fixes this much older than a batch's range are left to their own evaluation run.
LOOKBACK = timedelta(hours=1)


@dataclass
class _Fixes:
    id: list[int] = field(default_factory=list)
    device: list[int] = field(default_factory=list)
    t: list[float] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    subject: list[int] = field(default_factory=list)

    @classmethod
    def from_rows(cls, rows: Sequence[tuple], catalogue: Catalogue) -> "_Fixes":
        """Build from (id, device, unix ts, lat, lon, accuracy) rows in evaluation order."""
        fixes = cls(*(list(column) for column in zip(*rows, strict=True))) if rows else cls()
        fixes.subject = _subjects(fixes, catalogue)
        return fixes


def due_until(now: datetime | None = None) -> datetime:
    """Return the latest event time judged now: a fix stamped later waits until its time comes."""
    return (now or timezone.now()) + timedelta(seconds=settings.FEED_EVALUATE_AHEAD_SECONDS)


def evaluate_device_ranges(ranges: list[list], now: datetime | None = None) -> int:
    """Evaluate the stored fixes of each [device pk, first ts, last ts]; return how many fixes went through."""
    current_catalogue()  # a due rebuild happens here, not while the device rows are locked
    latest = due_until(now)
    with transaction.atomic():
        status = lock_devices(int(r[0]) for r in ranges)
        evaluated = {device_id: row.evaluated_until for device_id, row in status.items()}
        catalogue = current_catalogue()
        fixes = _Fixes.from_rows(_load_rows(ranges, evaluated, latest), catalogue)
        _evaluate(catalogue, fixes, status)
        _mark_evaluated(fixes)
    return len(fixes.id)


def evaluate_due_fixes(now: datetime | None = None) -> int:
    """Evaluate stored fixes no batch has judged whose time has come; return how many went through.

    These are fixes stamped ahead of the server's clock (held until then) and
    fixes whose evaluation failed and whose device has sent nothing since.
    """
    now = now or timezone.now()
    behind = DeviceStatus.objects.filter(last_fix_at__isnull=False).filter(
        Q(evaluated_until__isnull=True) | Q(evaluated_until__lt=F("last_fix_at"))
    )
    ranges = [
        [device_id, (done or last - LOOKBACK).isoformat(), min(last, now).isoformat()]
        for device_id, done, last in behind.values_list("device_id", "evaluated_until", "last_fix_at")
        if done is None or done < now
    ]
    return evaluate_device_ranges(ranges, now=now) if ranges else 0


def evaluate_recent_fixes(person_ids: list[int], now: datetime | None = None) -> int:
    """Judge the subjects' fixes of the last ZONE_RETROACTIVE_SECONDS again against the zones in force now.

    Run after a ban or device assignment of theirs started or changed: a fix
    evaluated a moment before the change reached the evaluating process
    opens its incident all the same. Pairs already judged with the new zones
    skip what they saw, so a repeat changes nothing.
    """
    now = now or timezone.now()
    since = now - timedelta(seconds=settings.ZONE_RETROACTIVE_SECONDS)
    devices = set(
        DeviceAssignment.objects.filter(person_id__in=person_ids)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=since))
        .values_list("device_id", flat=True)
    )
    if not devices:
        return 0
    current_catalogue()
    with transaction.atomic():
        status = lock_devices(devices)
        evaluated = {d: row.evaluated_until for d, row in status.items()}
        judged = {d: done for d, done in evaluated.items() if done is not None and done >= since.timestamp()}
        bounds = {d: (since, False, from_epoch(done)) for d, done in judged.items()}
        catalogue = current_catalogue()
        fixes = _Fixes.from_rows(stored_fix_rows(bounds) if bounds else [], catalogue)
        _track(catalogue, fixes, evaluated, retro=True)
    return len(fixes.id)


def evaluate_stored(inserted: Sequence[Sequence], status: dict[int, DeviceState]) -> int:
    """Evaluate fixes this transaction just stored, from memory; return how many fixes went through.

    `inserted` holds (id, device pk, unix ts, lat, lon, accuracy_m, ...) of the
    new fixes that are due (see due_until), `status` the device rows as read
    when the caller locked them. A device whose last stored fix was already
    evaluated has no other unevaluated fixes, so its new fixes after
    `evaluated_until` are exactly what evaluate_device_ranges would read back;
    later ones are late and judged as such. Only the other devices (an
    evaluation that failed, a fix held for its time) are read back from the
    table. The caller moves `evaluated_until` (in the statement that stores the fixes), not this function.
    """
    # Read under the device locks: a ban saved by any process before them is in force here.
    catalogue = current_catalogue()
    done = {d: row.evaluated_until for d, row in status.items() if not _behind(row)}
    rows, behind = [], []
    for fix_id, device_id, t, lat, lon, accuracy, *_rest in inserted:
        if device_id not in done:
            behind.append((device_id, t))
        else:
            rows.append((fix_id, device_id, t, lat, lon, accuracy))
    if behind:
        ranges = device_ranges(behind)
        evaluated = {d: status[d].evaluated_until if d in status else None for d, _lo, _hi in ranges}
        rows.extend(_load_rows(ranges, evaluated, due_until()))
    fixes = _Fixes.from_rows(sorted(rows, key=lambda r: (r[2], r[0])), catalogue)  # event time, then arrival
    _evaluate(catalogue, fixes, status)
    return len(fixes.id)


def device_ranges(times) -> list[list]:
    """Return [device pk, first ts, last ts] per device of (device pk, unix ts) pairs, times in ISO 8601.

    The payload of the evaluation task (evaluate_device_ranges), in device order.
    """
    ranges: dict[int, list[float]] = {}
    for device_id, t in times:
        low_high = ranges.setdefault(device_id, [t, t])
        low_high[0], low_high[1] = min(low_high[0], t), max(low_high[1], t)
    return [[d, from_epoch(lo).isoformat(), from_epoch(hi).isoformat()] for d, (lo, hi) in sorted(ranges.items())]


def _behind(row: DeviceState) -> bool:
    """Tell whether the device has stored fixes that were never evaluated."""
    return row.last_fix_at is not None and (row.evaluated_until is None or row.last_fix_at > row.evaluated_until)


def _evaluate(catalogue: Catalogue, fixes: _Fixes, status: dict[int, DeviceState]) -> None:
    if not fixes.id:
        return
    evaluated = {device_id: row.evaluated_until for device_id, row in status.items()}
    # Only devices marked silent or without GPS have such incidents to close; the rest skip three queries.
    recovering = {d for d, row in status.items() if row.silent_since is not None or row.gps_lost_at is not None}
    if recovering := recovering & set(fixes.device):
        device_incidents.close_recovered(recovering, at=from_epoch(max(fixes.t)), gps=True)
    _track(catalogue, fixes, evaluated)


def _load_rows(ranges: list[list], evaluated: dict, latest: datetime) -> list[tuple]:
    """Return (id, device, unix ts, lat, lon, accuracy) of the stored, unevaluated, due fixes in the ranges.

    `evaluated` maps a device pk to its evaluated time in Unix seconds, or None.
    """
    bounds = {}
    for device_id, lo, hi in ranges:
        lo, hi = datetime.fromisoformat(lo), min(datetime.fromisoformat(hi), latest)
        done = from_epoch(evaluated.get(int(device_id)))
        # Include stored fixes after the last evaluated one that a concurrent batch or a failed run left
        # (a device never evaluated has all of its recent fixes unevaluated).
        bounds[int(device_id)] = (max(done, lo - LOOKBACK) if done else lo - LOOKBACK, done is not None, hi)
    return stored_fix_rows(bounds) if bounds else []


def _subjects(fixes: _Fixes, catalogue: Catalogue) -> list[int]:
    """Return the person wearing the device at each fix's time, or -1 (unassigned or a victim's device)."""
    if not fixes.device:
        return []
    spans, single = _assignment_spans(catalogue)
    found = []
    for device_id, t in zip(fixes.device, fixes.t, strict=True):
        span = single.get(device_id)
        if span is not None:
            found.append(span[2] if span[0] <= t < span[1] else -1)
        else:
            found.append(next((p for start, end, p in spans.get(device_id, ()) if start <= t < end), -1))
    return found


_spans_lock = threading.Lock()
_spans: dict = {}


def _assignment_spans(catalogue: Catalogue) -> tuple[dict, dict]:
    """Return every device's subject assignments as (start, end, person) spans, and those of one-wearer devices.

    Read from the database once per catalogue build, not per batch: every
    change to an assignment raises the zone catalogue's version in its own
    transaction (zones.connect_cache_signals), so the catalogue the caller
    took under its device locks is replaced whenever an assignment changed,
    and the spans with it. The periodic rebuild refreshes them too.
    """
    with _spans_lock:
        if _spans.get("catalogue") is catalogue:
            return _spans["spans"], _spans["single"]
    spans = defaultdict(list)
    for device_id, person_id, start, end in subject_assignment_rows():
        spans[device_id].append((start, math.inf if end is None else end, person_id))
    # Most devices have had one wearer: one comparison instead of a search.
    single = {device_id: found[0] for device_id, found in spans.items() if len(found) == 1}
    with _spans_lock:
        _spans.update(catalogue=catalogue, spans=dict(spans), single=single)
    return _spans["spans"], _spans["single"]


def _mark_evaluated(fixes: _Fixes) -> None:
    newest: dict[int, float] = {}
    for device_id, t in zip(fixes.device, fixes.t, strict=True):
        newest[device_id] = max(newest.get(device_id, t), t)
    rows = sorted((device_id, from_epoch(t)) for device_id, t in newest.items())
    update_from_values(
        DeviceStatus._meta.db_table,
        "device_id",
        ("evaluated_until",),
        rows,
        where="t.evaluated_until IS NULL OR t.evaluated_until < v.evaluated_until",
    )


def _track(catalogue: Catalogue, fixes: _Fixes, evaluated: dict, retro: bool = False) -> None:
    keep = _evaluable(catalogue, fixes)
    if not keep.any():
        return
    idx = np.flatnonzero(keep)
    batch = FixBatch.from_arrays(
        np.asarray(fixes.subject)[idx],
        np.asarray(fixes.t)[idx],
        np.asarray(fixes.lat)[idx],
        np.asarray(fixes.lon)[idx],
        np.asarray(fixes.accuracy)[idx],
    )
    protected = _protected_fixes(catalogue)
    result = evaluate(catalogue.index, batch, protected_fixes=protected)
    if (result.verdict != Verdict.CLEAR).any():
        # The first fix of a subject in the batch is judged for plausibility against the one stored before it.
        previous = _previous_fixes(fixes, idx, batch, result)
        if previous:
            result = evaluate(catalogue.index, batch, protected_fixes=protected, previous_fixes=previous)
    zone_id = result.zone_id
    t = batch.t[result.fix_index]
    in_force = (t >= catalogue.valid_from[zone_id]) & (t < catalogue.valid_until[zone_id])
    if not in_force.any():
        return
    pairs = np.flatnonzero(in_force)
    pair_device = np.asarray(fixes.device, dtype=np.int64)[idx[result.fix_index[pairs]]]
    rows = tracks_of(np.unique(pair_device))
    loud = _loud_devices(result, pairs, pair_device, rows)
    pairs = pairs[np.isin(pair_device, loud)]
    if not len(pairs):
        return
    ZoneIncidents(catalogue, fixes, evaluated, idx, rows, set(loud.tolist()), retro=retro).run(result, pairs)


def _loud_devices(result, pairs: np.ndarray, pair_device: np.ndarray, rows: dict) -> np.ndarray:
    """Return the devices whose fixes can change a track: all others stay in the plain state.

    A plain track (clear, no approach level, no streak) fed a clear verdict below
    every approach distance stays plain, only its time moves on; that time is
    DeviceStatus.evaluated_until, written for every device. A stored plain
    track keeps an older time, which is harmless: fixes at or before
    evaluated_until are never loaded again (_load_fixes). Skipping those
    devices spares the tracker about 95 % of the fixes of a typical batch.
    """
    plain_pair = (result.verdict[pairs] == Verdict.CLEAR) & (result.approach_level[pairs] == 0)
    plain_pair &= result.inactive_reason[pairs] != InactiveReason.NO_RECENT_PROTECTED_FIX
    loud = set(np.unique(pair_device[~plain_pair]).tolist())
    loud.update(device_id for (_b, device_id, _z), row in rows.items() if not is_plain(row))
    return np.fromiter(loud, dtype=np.int64, count=len(loud))


def _evaluable(catalogue: Catalogue, fixes: _Fixes) -> np.ndarray:
    """Return which fixes the engine can judge: worn by a subject with zones, inside its supported area."""
    subject = np.asarray(fixes.subject, dtype=np.int64)
    lat, lon = np.asarray(fixes.lat), np.asarray(fixes.lon)
    has_zones = np.isin(subject, catalogue.index.subjects) if len(catalogue.index) else np.zeros(len(subject), bool)
    # Outside the engine's area (a trip abroad) no Dutch zone can be near: stored, not evaluated.
    supported = (lat >= SUPPORTED_LAT_RANGE[0]) & (lat <= SUPPORTED_LAT_RANGE[1])
    supported &= (lon >= SUPPORTED_LON_RANGE[0]) & (lon <= SUPPORTED_LON_RANGE[1])
    return has_zones & supported


def _protected_fixes(catalogue: Catalogue) -> dict[int, PointFix]:
    if not catalogue.has_moving_zones:
        return {}
    by_device = {d: pp for pp, devices in catalogue.victim_devices.items() for d in devices}
    found: dict[int, PointFix] = {}
    rows = DeviceStatus.objects.filter(device_id__in=by_device, last_fix__isnull=False).values_list(
        "device_id", "last_fix__ts", "last_fix__lat", "last_fix__lon", "last_fix__accuracy_m"
    )
    for device_id, ts, lat, lon, accuracy in rows:
        pp = by_device[device_id]
        if pp not in found or found[pp].t < ts.timestamp():
            found[pp] = PointFix(ts.timestamp(), lat, lon, accuracy)
    return found


def _previous_fixes(fixes: _Fixes, idx: np.ndarray, batch: FixBatch, result) -> dict[int, PointFix]:
    """Return, per subject with a fix in violation, the last fix stored before the subject's first in the batch."""
    subjects = set(batch.subject_id[result.fix_index[result.verdict != Verdict.CLEAR]].tolist())
    first: dict[int, tuple[float, int]] = {}
    for k in range(len(idx)):
        i = int(idx[k])
        subject = fixes.subject[i]
        if subject in subjects and (subject not in first or fixes.t[i] < first[subject][0]):
            first[subject] = (fixes.t[i], fixes.device[i])
    subject_of = {device_id: subject for subject, (_t, device_id) in first.items()}
    rows = previous_fix_rows({device_id: t for t, device_id in first.values()})
    return {subject_of[device_id]: PointFix(t, lat, lon, accuracy) for device_id, t, lat, lon, accuracy in rows}
