"""Run stored fixes through the engine and the per-zone tracker; turn transitions into incident changes.

One call handles the fixes of many devices in one engine batch. It is
idempotent: per device, only fixes after `DeviceStatus.evaluated_until` are
processed, under a per-device lock (the DeviceStatus row), so a re-run or a
concurrent run of the same fixes changes nothing.

A failure in evaluation must never roll back an accepted fix. By default the
feed evaluates inside a savepoint of its storing transaction, before the 202
goes out, so an entering fix's incident and outbox row commit with the fix
(FEED_EVALUATE_IN_REQUEST; see geofence.feeds.services.queue_evaluation); a
failure rolls back the savepoint only. Then, or when the setting is off,
`geofence.tasks.evaluate_fixes` runs it in a worker after the commit (retried
with backoff; a lost task is covered by the next batch of the device, which
also picks up stored fixes after `evaluated_until`).

Most fixes of a typical batch are far from every zone: a device whose tracks
stay plain skips the tracker and only moves `evaluated_until` (_loud_devices).
"""

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
from django.db import connection, transaction

from geofence.db import DeviceState, any_of, array_literal, bulk_cursor, lock_devices, update_from_values
from geofence.engine.constants import SUPPORTED_LAT_RANGE, SUPPORTED_LON_RANGE
from geofence.engine.evaluate import FixBatch, PointFix, evaluate
from geofence.engine.tracker import Observation, Phase, TrackState, Transition, advance
from geofence.engine.verdicts import InactiveReason, Verdict
from geofence.models import (
    Device,
    DeviceAssignment,
    DeviceStatus,
    Fix,
    Incident,
    IncidentType,
    ZoneTrack,
)

from . import devices as device_incidents
from .services import Action, change_state, open_incident
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
    def from_rows(cls, rows: Sequence[tuple]) -> "_Fixes":
        """Build from (id, device, unix ts, lat, lon, accuracy) rows in evaluation order."""
        fixes = cls(*(list(column) for column in zip(*rows, strict=True))) if rows else cls()
        fixes.subject = _subjects(fixes)
        return fixes


def evaluate_device_ranges(ranges: list[list]) -> int:
    """Evaluate the stored fixes of each [device pk, first ts, last ts]; return how many fixes went through."""
    catalogue = current_catalogue()
    with transaction.atomic():
        status = lock_devices(int(r[0]) for r in ranges)
        evaluated = {device_id: row.evaluated_until for device_id, row in status.items()}
        fixes = _Fixes.from_rows(_load_rows(ranges, evaluated))
        _evaluate(catalogue, fixes, status)
        _mark_evaluated(fixes)
    return len(fixes.id)


def evaluate_stored(inserted: Sequence[Sequence], status: dict[int, DeviceState]) -> int:
    """Evaluate fixes this transaction just stored, from memory; return how many fixes went through.

    `inserted` holds (id, device pk, unix ts, lat, lon, accuracy_m, ...) of the
    new fixes, `status` the device rows as read when the caller locked them.
    A device whose last stored fix was already evaluated has no other
    unevaluated fixes, so its new fixes after `evaluated_until` are exactly
    what evaluate_device_ranges would read back; later ones are late and left
    alone, as there. Only the other devices (an evaluation that failed or was
    left to a worker) are read back from the table. The caller moves
    `evaluated_until` (in its status update), not this function.
    """
    catalogue = current_catalogue()
    done = {d: _ts(row.evaluated_until) for d, row in status.items() if not _behind(row)}
    rows, ranges = [], {}
    for fix_id, device_id, t, lat, lon, accuracy, *_rest in inserted:
        if device_id not in done:
            low_high = ranges.setdefault(device_id, [t, t])
            low_high[0], low_high[1] = min(low_high[0], t), max(low_high[1], t)
        elif done[device_id] is None or t > done[device_id]:
            rows.append((fix_id, device_id, t, lat, lon, accuracy))
    if ranges:
        evaluated = {d: status[d].evaluated_until if d in status else None for d in ranges}
        payload = [[d, _dt(lo).isoformat(), _dt(hi).isoformat()] for d, (lo, hi) in sorted(ranges.items())]
        rows.extend(_load_rows(payload, evaluated))
    fixes = _Fixes.from_rows(sorted(rows, key=lambda r: (r[2], r[0])))  # event time, then arrival: as read back
    _evaluate(catalogue, fixes, status)
    return len(fixes.id)


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
        device_incidents.close_recovered(recovering, at=_dt(max(fixes.t)), gps=True)
    _track(catalogue, fixes, evaluated)


def _load_rows(ranges: list[list], evaluated: dict) -> list[tuple]:
    """Return (id, device, unix ts, lat, lon, accuracy) of the stored, unevaluated fixes in the ranges."""
    bounds = {}
    for device_id, lo, hi in ranges:
        lo, hi = datetime.fromisoformat(lo), datetime.fromisoformat(hi)
        done = evaluated.get(int(device_id))
        # Include stored fixes after the last evaluated one that a concurrent batch or a failed run left
        # (a device never evaluated has all of its recent fixes unevaluated).
        bounds[int(device_id)] = (max(done, lo - LOOKBACK) if done else lo - LOOKBACK, done is not None, hi)
    return _pg_fix_rows(bounds) if connection.vendor == "postgresql" else list(_fix_rows(bounds))


def _fix_rows(bounds: dict):
    """Yield (id, device, unix t, lat, lon, accuracy) of the stored fixes within each device's bounds."""
    low = min(b[0] for b in bounds.values())
    high = max(b[2] for b in bounds.values())
    rows = (
        Fix.objects.filter(device_id__in=bounds, ts__gte=low, ts__lte=high)
        .order_by("ts", "id")
        .values_list("id", "device_id", "ts", "lat", "lon", "accuracy_m")
    )
    for fix_id, device_id, ts, lat, lon, accuracy in rows:
        start, exclusive, end = bounds[device_id]
        if not (ts > end or ts < start or (exclusive and ts == start)):
            yield fix_id, device_id, ts.timestamp(), lat, lon, accuracy


def _pg_fix_rows(bounds: dict) -> list[tuple]:
    # One probe of the (device, ts) index per device, bounds as arrays, times as epoch seconds (no datetime parsing).
    devices = sorted(bounds)
    with bulk_cursor() as cursor:
        cursor.execute(
            "SELECT f.id, f.device_id, extract(epoch FROM f.ts)::float8, f.lat, f.lon, f.accuracy_m "
            "FROM unnest(%s::text::bigint[], %s::text::float8[], %s::text::boolean[], %s::text::float8[]) "
            "AS b(device, lo, excl, hi) "
            "JOIN geofence_fix f ON f.device_id = b.device AND f.ts >= to_timestamp(b.lo) "
            "AND f.ts <= to_timestamp(b.hi) AND NOT (b.excl AND f.ts = to_timestamp(b.lo)) ORDER BY f.ts, f.id",
            [
                array_literal(devices, int),
                array_literal([bounds[d][0].timestamp() for d in devices]),
                array_literal([bounds[d][1] for d in devices], bool),
                array_literal([bounds[d][2].timestamp() for d in devices]),
            ],
        )
        return cursor.fetchall()


def _subjects(fixes: _Fixes) -> list[int]:
    """Return the person wearing the device at each fix's time, or -1 (unassigned or a victim's device)."""
    if not fixes.device:
        return []
    spans = defaultdict(list)
    for device_id, person_id, start, end in _assignment_rows(set(fixes.device)):
        spans[device_id].append((start, math.inf if end is None else end, person_id))
    # Most devices have had one wearer: one comparison instead of a search.
    single = {device_id: found[0] for device_id, found in spans.items() if len(found) == 1}
    found = []
    for device_id, t in zip(fixes.device, fixes.t, strict=True):
        span = single.get(device_id)
        if span is not None:
            found.append(span[2] if span[0] <= t < span[1] else -1)
        else:
            found.append(next((p for start, end, p in spans.get(device_id, ()) if start <= t < end), -1))
    return found


def _assignment_rows(devices: set[int]):
    """Yield (device, person, unix valid_from, unix valid_until or None) of the subjects' device assignments."""
    if connection.vendor == "postgresql":
        with bulk_cursor() as cursor:
            cursor.execute(
                "SELECT device_id, person_id, extract(epoch FROM valid_from)::float8, "
                "extract(epoch FROM valid_until)::float8 FROM geofence_deviceassignment "
                "WHERE device_id = ANY(%b) AND person_id IS NOT NULL",
                [sorted(devices)],
            )
            yield from cursor.fetchall()
        return
    rows = DeviceAssignment.objects.filter(device_id__in=devices, person__isnull=False)
    for device_id, person_id, start, end in rows.values_list("device_id", "person_id", "valid_from", "valid_until"):
        yield device_id, person_id, start.timestamp(), end.timestamp() if end else None


def _mark_evaluated(fixes: _Fixes) -> None:
    newest: dict[int, float] = {}
    for device_id, t in zip(fixes.device, fixes.t, strict=True):
        newest[device_id] = max(newest.get(device_id, t), t)
    rows = sorted((device_id, _dt(t)) for device_id, t in newest.items())
    update_from_values(
        DeviceStatus._meta.db_table,
        "device_id",
        ("evaluated_until",),
        rows,
        where="t.evaluated_until IS NULL OR t.evaluated_until < v.evaluated_until",
    )


def _dt(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def _track(catalogue: Catalogue, fixes: _Fixes, evaluated: dict) -> None:
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
    result = evaluate(catalogue.index, batch, protected_fixes=_protected_fixes(catalogue))
    zone_id = result.zone_id
    t = batch.t[result.fix_index]
    in_force = (t >= catalogue.valid_from[zone_id]) & (t < catalogue.valid_until[zone_id])
    if not in_force.any():
        return
    pairs = np.flatnonzero(in_force)
    pair_device = np.asarray(fixes.device, dtype=np.int64)[idx[result.fix_index[pairs]]]
    rows = _track_rows(np.unique(pair_device))
    loud = _loud_devices(result, pairs, pair_device, rows)
    pairs = pairs[np.isin(pair_device, loud)]
    if not len(pairs):
        return
    tracker = _Tracker(catalogue, fixes, evaluated, idx, rows, set(loud.tolist()))
    tracker.run(result, pairs)


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
    loud = set(np.unique(pair_device[~plain_pair]).tolist())
    loud.update(device_id for (_b, device_id, _z), row in rows.items() if not _plain(TrackState.from_dict(row.state)))
    return np.fromiter(loud, dtype=np.int64, count=len(loud))


def _track_rows(devices: np.ndarray) -> dict[tuple, ZoneTrack]:
    """Return the stored tracks of these devices (their device rows are locked by the caller)."""
    field, params = any_of("device_id", devices.tolist())
    tracks = ZoneTrack.objects.raw(f"SELECT * FROM geofence_zonetrack WHERE {field}", params)  # noqa: S608
    return {(z.ban_id, z.device_id, z.zone_key): z for z in tracks}


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


_RUNNING_FIGURES = ("fix_count", "last_fix_id", "closest_distance_m", "deepest_intrusion_m", "eta_min")


class _Tracker:
    """Feed (fix, zone) pairs to the engine's tracker in event-time order and act on transitions."""

    def __init__(
        self, catalogue: Catalogue, fixes: _Fixes, evaluated: dict, idx: np.ndarray, rows: dict, devices: set[int]
    ) -> None:
        self.catalogue = catalogue
        self.fixes = fixes
        self.evaluated = evaluated
        self.idx = idx  # batch position -> position in `fixes`
        self.rows = rows
        self.states = {key: TrackState.from_dict(row.state) for key, row in self.rows.items()}
        self.changed: set[tuple] = set()
        self.incidents = {
            (i.ban_id, i.device_id): i
            for i in Incident.objects.active()
            .filter(device_id__in=devices, type__in=[IncidentType.ZONE_VIOLATION, IncidentType.PRESENCE_VIOLATION])
            # Running figures only: state changes reload the row locked and complete (services.change_state).
            .only("id", "state", "ban_id", "device_id", "definite", *_RUNNING_FIGURES)
        }
        self.stats: dict[int, dict] = {}

    def run(self, result, pairs: np.ndarray) -> None:
        cols = {
            name: getattr(result, name)[pairs].tolist()
            for name in (
                "fix_index",
                "zone_id",
                "verdict",
                "approach_level",
                "beyond_exit_margin",
                "inactive_reason",
                "suspect",
                "centre_distance_m",
                "signed_distance_m",
                "eta_min",
            )
        }
        for k in range(len(pairs)):
            self._step({name: values[k] for name, values in cols.items()})
        self._save_tracks()
        self._save_stats()

    def _step(self, pair: dict) -> None:
        i = int(self.idx[pair["fix_index"]])
        device_id, t = self.fixes.device[i], self.fixes.t[i]
        meta = self.catalogue.meta[pair["zone_id"]]
        key = (meta.ban_id, device_id, meta.zone_key)
        state = self.states.get(key) or TrackState(last_t=_ts(self.evaluated.get(device_id)))
        obs = Observation(
            t=t,
            verdict=Verdict(pair["verdict"]),
            approach_level=pair["approach_level"],
            beyond_exit_margin=pair["beyond_exit_margin"],
            inactive_reason=InactiveReason(pair["inactive_reason"]),
            suspect=pair["suspect"],
        )
        step = advance(state, obs)
        if step.late:
            return
        self.states[key] = step.state
        self.changed.add(key)
        if step.transition is not None:
            self._transition(step.transition, meta, device_id, i, pair)
        if step.state.phase != Phase.CLEAR:
            self._inside(meta, device_id, i, pair)

    def _transition(self, transition: Transition, meta, device_id: int, i: int, pair: dict) -> None:
        incident = self.incidents.get((meta.ban_id, device_id))
        at = _dt(self.fixes.t[i])
        definite = pair["verdict"] == Verdict.DEFINITE
        if transition == Transition.ENTER or (transition == Transition.ESCALATE and incident is None):
            if incident is None:
                self._open(meta, device_id, i, pair, definite)
            elif definite and not incident.definite:
                self._escalate(incident, meta, device_id, i, pair)
        elif transition == Transition.ESCALATE:
            self._escalate(incident, meta, device_id, i, pair)
        elif transition == Transition.EXIT and incident is not None and self._all_clear(meta.ban_id, device_id):
            self._flush(incident)
            closed = change_state(self.incidents[(meta.ban_id, device_id)], Action.CLOSE, at=at, reason="exit")
            del self.incidents[(meta.ban_id, device_id)]
            self.stats.pop(closed.pk, None)

    def _open(self, meta, device_id: int, i: int, pair: dict, definite: bool) -> None:
        from registry.models import Ban, BanKind

        kind = IncidentType.PRESENCE_VIOLATION if meta.ban_kind == BanKind.PRESENCE else IncidentType.ZONE_VIOLATION
        ban = Ban.objects.select_related("decision", "person").get(pk=meta.ban_id)
        incident = open_incident(
            type=kind,
            at=_dt(self.fixes.t[i]),
            ban=ban,
            person=ban.person,
            protected_person_id=meta.protected_id,
            device=self._device(device_id),
            definite=definite,
            fix_count=1,
            last_fix=self._fix(i),
            closest_distance_m=_num(pair["centre_distance_m"]),
            deepest_intrusion_m=_intrusion(meta, pair),
            eta_min=_num(pair["eta_min"]),
        )
        self.incidents[(meta.ban_id, device_id)] = incident
        self.stats[incident.pk] = {"seen": {self.fixes.id[i]}}

    def _device(self, device_id: int) -> Device:
        return Device.objects.select_related("vendor", "status").get(pk=device_id)

    def _fix(self, i: int) -> Fix:
        f = self.fixes
        return Fix(
            id=f.id[i], device_id=f.device[i], ts=_dt(f.t[i]), lat=f.lat[i], lon=f.lon[i], accuracy_m=f.accuracy[i]
        )

    def _escalate(self, incident: Incident, meta, device_id: int, i: int, pair: dict) -> None:
        self._inside(meta, device_id, i, pair)
        self._flush(incident)
        if incident.state == "escalated":
            self.incidents[(meta.ban_id, device_id)] = change_state_fields(incident, definite=True)
            return
        self.incidents[(meta.ban_id, device_id)] = change_state(
            self.incidents[(meta.ban_id, device_id)], Action.ESCALATE, at=_dt(self.fixes.t[i]), definite=True
        )

    def _inside(self, meta, device_id: int, i: int, pair: dict) -> None:
        incident = self.incidents.get((meta.ban_id, device_id))
        if incident is None:
            return
        stats = self.stats.setdefault(incident.pk, {"seen": set()})
        fix_id = self.fixes.id[i]
        if fix_id not in stats["seen"]:
            stats["seen"].add(fix_id)
            incident.fix_count += 1
        incident.last_fix_id = fix_id
        incident.closest_distance_m = _min(incident.closest_distance_m, _num(pair["centre_distance_m"]))
        incident.deepest_intrusion_m = _max(incident.deepest_intrusion_m, _intrusion(meta, pair))
        incident.eta_min = _num(pair["eta_min"])
        stats["dirty"] = True

    def _all_clear(self, ban_id: int, device_id: int) -> bool:
        return all(
            state.phase == Phase.CLEAR for (b, d, _z), state in self.states.items() if b == ban_id and d == device_id
        )

    def _flush(self, incident: Incident) -> None:
        """Write the running figures without touching state or version (operators act on the version)."""
        stats = self.stats.get(incident.pk)
        if not stats or not stats.pop("dirty", False):
            return
        Incident.objects.filter(pk=incident.pk).update(
            fix_count=incident.fix_count,
            last_fix_id=incident.last_fix_id,
            closest_distance_m=incident.closest_distance_m,
            deepest_intrusion_m=incident.deepest_intrusion_m,
            eta_min=incident.eta_min,
        )

    def _save_stats(self) -> None:
        dirty = [i for i in self.incidents.values() if self.stats.get(i.pk, {}).pop("dirty", False)]
        update_from_values(
            Incident._meta.db_table,
            "id",
            ("fix_count", "last_fix_id", "closest_distance_m", "deepest_intrusion_m", "eta_min"),
            [(i.pk, i.fix_count, i.last_fix_id, i.closest_distance_m, i.deepest_intrusion_m, i.eta_min) for i in dirty],
        )

    def _save_tracks(self) -> None:
        new, changed = [], []
        for key in self.changed:
            state = self.states[key]
            row = self.rows.get(key)
            if row is None and _plain(state):
                continue  # the default: DeviceStatus.evaluated_until carries its time
            if row is None:
                row = ZoneTrack(ban_id=key[0], device_id=key[1], zone_key=key[2])
                new.append(row)
            else:
                changed.append(row)
            row.state, row.phase, row.last_event_at = state.to_dict(), state.phase.value, _dt(state.last_t)
        ZoneTrack.objects.bulk_create(new)
        # Django's bulk_update builds a CASE per row and column: far too slow for a thousand tracks.
        update_from_values(
            ZoneTrack._meta.db_table,
            "id",
            ("state", "phase", "last_event_at"),
            [(row.pk, json.dumps(row.state), row.phase, row.last_event_at) for row in changed],
        )


def change_state_fields(incident: Incident, **fields) -> Incident:
    """Set facts on an incident without a state change (e.g. a manual escalation that became definite)."""
    Incident.objects.filter(pk=incident.pk).update(**fields)
    for name, value in fields.items():
        setattr(incident, name, value)
    return incident


def _plain(state: TrackState) -> bool:
    return state.phase == Phase.CLEAR and state.approach_level == 0 and state.streak == 0


def _ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _num(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _intrusion(meta, pair: dict) -> float | None:
    signed = _num(pair["signed_distance_m"])
    if signed is None:
        return None
    from registry.models import BanKind

    # Exclusion: metres inside the zone; presence obligation: metres outside it.
    return max(0.0, signed if meta.ban_kind == BanKind.PRESENCE else -signed)


def _min(a, b):
    return b if a is None else a if b is None else min(a, b)


def _max(a, b):
    return b if a is None else a if b is None else max(a, b)
