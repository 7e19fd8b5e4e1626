"""Store what vendors send: fixes and events in, refused items to quarantine, evaluation queued on commit."""

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from geofence import tasks
from geofence.db import (
    devices_named,
    from_epoch,
    insert_fixes_moving_status,
    insert_ignore_returning,
    lock_devices,
    update_from_values,
)
from geofence.incidents import clocks
from geofence.incidents.evaluation import device_ranges, due_until, evaluate_stored
from geofence.incidents.zones import current_catalogue
from geofence.models import Device, DeviceEvent, DeviceStatus, Fix, QuarantinedItem, QuarantineReason, Vendor

from .serializers import ParsedEvent, ParsedFix, Rejection, sanitize, validate_events, validate_fixes

log = logging.getLogger(__name__)

FIX_COLUMNS = ("device_id", "ts", "lat", "lon", "accuracy_m", "speed_mps", "heading", "battery_pct", "received_at")


@dataclass
class FeedResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    conflicting_duplicates: int = 0

    def as_json(self) -> dict:
        ordered = sorted(self.rejected, key=lambda r: r.index)
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "conflicting_duplicates": self.conflicting_duplicates,
            "rejected": [r.as_json() for r in ordered],
        }


def max_ahead() -> timedelta:
    return timedelta(seconds=settings.FEED_MAX_FUTURE_SECONDS)


def store_fixes(vendor: Vendor, items: list, now: datetime | None = None) -> FeedResult:
    """Store the valid fixes once each, quarantine the rest, and evaluate them before the commit.

    The devices another request is working on are left to a second
    transaction that waits for them: a batch sharing a few devices with one
    still being evaluated does not hold up the rest, nor the rest of its
    neighbours' batches. The answer comes when both parts are committed, so a
    202 still covers every fix; a vendor resending after a failure in between
    finds the first part stored (duplicates, not lost).
    """
    now = now or timezone.now()
    valid, rejected = validate_fixes(items, now, max_ahead())
    devices, refused = resolve_devices(vendor, valid)
    rejected += refused
    mine = [f for f in valid if f.device_ref in devices]
    rows = sorted(
        (
            (devices[f.device_ref], f.ts, f.lat, f.lon, f.accuracy_m, f.speed_mps, f.heading, f.battery_pct, now)
            for f in mine
        ),
        key=lambda r: (r[0], r[1]),  # one insert order for all requests: no lock cycles
    )
    if settings.FEED_EVALUATE_IN_REQUEST:
        # A due rebuild of the zone catalogue happens here, not while the transaction below holds device rows.
        current_catalogue()
    result = FeedResult(rejected=list(rejected))
    held = set(devices.values())
    for wait in (False, True):
        with transaction.atomic():
            # Device rows first, in id order: the status UPDATE and the evaluation below then never wait in a
            # cycle. The first pass takes the free ones without waiting, the second waits for the rest.
            status = lock_devices(held, skip_locked=not wait)
            locked = held if wait else held & status.keys()
            part = [r for r in rows if r[0] in locked]
            inserted = insert_and_record(part, now)
            parsed = [f for f in mine if devices[f.device_ref] in locked]
            conflicts = conflicting_duplicates(parsed, part, inserted, devices) if len(inserted) < len(part) else []
            kept_aside = conflicts if wait else rejected + conflicts  # the refusals once, with the first part
            quarantine(vendor, QuarantinedItem.Kind.FIX, kept_aside, now)
            record_and_evaluate(inserted, status, now)
            clocks.record_offsets(part, status, now)
        result.accepted += len(inserted)
        result.duplicates += len(part) - len(inserted) - len(conflicts)
        result.rejected += conflicts
        result.conflicting_duplicates += len(conflicts)
        held -= locked
        if not held:
            break
    return result


def conflicting_duplicates(parsed: list, rows: list, inserted: list, devices: dict) -> list[Rejection]:
    """Return a rejection for each fix whose device and time are stored with another position or accuracy.

    An identical resend is a plain duplicate; a different position at the
    same time cannot both be true, so the second is kept aside for review.
    """
    new = {(fix.device_id, fix.ts) for fix in inserted}
    stored = _stored_values({(r[0], r[1]) for r in rows if (r[0], r[1].timestamp()) not in new})
    found, seen = [], set()
    for item in parsed:
        key = (devices[item.device_ref], item.ts.timestamp())
        values = (item.lat, item.lon, item.accuracy_m)
        if key in new and key not in seen:
            seen.add(key)  # the first of the batch is the one stored
            continue
        kept = stored.get(key) or _first_of_batch(parsed, item, devices)
        if kept is not None and kept != values:
            detail = "another fix of this device at this time has a different position or accuracy"
            reason = QuarantineReason.CONFLICTING_DUPLICATE
            found.append(Rejection(item.index, reason, detail, _raw(item), item.device_ref))
    return found


def _stored_values(keys: set[tuple]) -> dict[tuple, tuple]:
    """Return {(device pk, unix ts): (lat, lon, accuracy)} of stored fixes at these keys."""
    if not keys:
        return {}
    found = {}
    for device_id in {k[0] for k in keys}:
        times = [ts for d, ts in keys if d == device_id]
        for ts, lat, lon, accuracy in Fix.objects.filter(device_id=device_id, ts__in=times).values_list(
            "ts", "lat", "lon", "accuracy_m"
        ):
            found[(device_id, ts.timestamp())] = (lat, lon, accuracy)
    return found


def _first_of_batch(parsed: list, item, devices: dict) -> tuple | None:
    for other in parsed:
        if other is item:
            return None
        if other.device_ref == item.device_ref and other.ts == item.ts:
            return (other.lat, other.lon, other.accuracy_m)
    return None


class StoredFix(NamedTuple):
    """A fix as the INSERT returned it; `ts` in Unix seconds."""

    id: int
    device_id: int
    ts: float
    lat: float
    lon: float
    accuracy_m: float
    battery_pct: float | None


def insert_and_record(rows: list[tuple], now: datetime) -> list[StoredFix]:
    """Insert rows of FIX_COLUMNS, skipping (device, ts) already stored, and record the new ones on the device board.

    Each device's last fix, battery and contact move forward (never back:
    late fixes arrive too); contact is the fix's time, or the arrival time for
    a fix stamped ahead of the server. When the request evaluates
    (FEED_EVALUATE_IN_REQUEST), `evaluated_until` moves to the newest due fix
    too: record_and_evaluate judges every one of them, or puts the old value
    back if it cannot.
    """
    judged_until = due_until(now).timestamp() if settings.FEED_EVALUATE_IN_REQUEST else None
    return [StoredFix._make(row) for row in insert_fixes_moving_status(FIX_COLUMNS, rows, now, judged_until)]


def resolve_devices(vendor: Vendor, items: Iterable[ParsedFix | ParsedEvent]) -> tuple[dict[str, int], list]:
    """Return {device ref: device pk} for the vendor's own devices, and rejections for the rest."""
    items = list(items)
    refs = {i.device_ref for i in items}
    own, foreign = {}, set()
    for pk, ref, vendor_id in devices_named(refs):
        if vendor_id == vendor.pk:
            own[ref] = pk
        else:
            foreign.add(ref)
    refused = [_device_rejection(i, foreign) for i in items if i.device_ref not in own]
    return own, refused


def _device_rejection(item: ParsedFix | ParsedEvent, foreign: set[str]) -> Rejection:
    raw = _raw(item)
    if item.device_ref in foreign:
        return Rejection(
            item.index, QuarantineReason.FOREIGN_DEVICE, "device belongs to another vendor", raw, item.device_ref
        )
    detail = f"device {item.device_ref!r} is not registered; kept for attribution once it is"
    return Rejection(item.index, QuarantineReason.UNKNOWN_DEVICE, detail, raw, item.device_ref)


def _raw(item: ParsedFix | ParsedEvent) -> dict:
    if isinstance(item, ParsedEvent):
        return {"device": item.device_ref, "ts": item.ts.isoformat(), "type": item.type, **item.payload}
    raw = {"device": item.device_ref, "ts": item.ts.isoformat(), "lat": item.lat, "lon": item.lon}
    raw["accuracy_m"] = item.accuracy_m
    for name in ("speed_mps", "heading", "battery_pct"):
        if getattr(item, name) is not None:
            raw[name] = getattr(item, name)
    return raw


def quarantine(vendor: Vendor, kind: str, rejected: list[Rejection], now: datetime) -> None:
    """Keep each refused item once per vendor and local day, up to the vendor's daily cap; log what is dropped.

    A vendor resending a refused batch (unknown devices, typically) must not grow the table per retry.
    """
    if not rejected:
        return  # most batches: spare the two queries below
    day = QuarantinedItem.objects.filter(vendor=vendor, received_at__gte=_local_day_start(now))
    seen = {_quarantine_key(ref, raw) for ref, raw in day.filter(kind=kind).values_list("device_ref", "raw")}
    fresh = []
    for r in rejected:
        raw = sanitize(r.raw)
        if (key := _quarantine_key(r.device_ref, raw)) not in seen:
            seen.add(key)
            fresh.append((r, raw))
    room = max(settings.QUARANTINE_MAX_PER_VENDOR_PER_DAY - day.count(), 0)
    if len(fresh) > room:
        log.warning(
            "quarantine of vendor %s is full for today: %d refused items not kept", vendor.slug, len(fresh) - room
        )
    QuarantinedItem.objects.bulk_create(
        QuarantinedItem(
            vendor=vendor,
            kind=kind,
            device_ref=r.device_ref,
            index=r.index,
            raw=raw,
            reason=r.reason,
            message=r.detail,
            received_at=now,
        )
        for r, raw in fresh[:room]
    )


def _local_day_start(now: datetime) -> datetime:
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def _quarantine_key(device_ref: str, raw) -> tuple[str, str]:
    # The whole item, not only its timestamp: two different items of one device and second are both kept.
    return device_ref, json.dumps(raw, sort_keys=True)


def record_contact(rows: list[tuple[int, datetime]]) -> None:
    update_from_values(
        DeviceStatus._meta.db_table,
        "device_id",
        ("last_contact_at",),
        sorted(rows),
        where="t.last_contact_at IS NULL OR t.last_contact_at < v.last_contact_at",
    )


def record_and_evaluate(inserted: list[StoredFix], status: dict, now: datetime) -> None:
    """Evaluate the new fixes in this transaction, or have a worker do it; insert_and_record has recorded them.

    By default (FEED_EVALUATE_IN_REQUEST) the request evaluates them itself,
    inside a savepoint of the storing transaction, before it answers: an
    entering fix then has its incident and outbox row committed together with
    the fix when the vendor gets the 202, instead of waiting behind other
    batches on the `ingest` queue, and the batch costs one commit. The fixes
    are evaluated from memory (evaluation.evaluate_stored); the statement
    that stored them moved the devices' last fix and evaluated time together,
    so an alert raised by the evaluation shows the battery and contact of this
    batch. A failing evaluation rolls back to the savepoint only and the
    devices' evaluated time goes back to what it was: the fixes still commit
    with their last fix recorded, the request answers 202 and a worker
    retries the evaluation. A rollback of the whole transaction evaluates and
    queues nothing. `status` is the device rows as read under their locks.

    A fix stamped ahead of the server's clock is stored but judged only when
    its time comes (evaluation.evaluate_due_fixes, or the device's next
    batch): judged now, its time would count as the device's evaluated time
    and every fix before it would arrive "late".
    """
    if not inserted:
        return
    if settings.FEED_EVALUATE_IN_REQUEST:
        latest = due_until(now).timestamp()
        due = [fix for fix in inserted if fix.ts <= latest]
        try:
            with transaction.atomic():  # a savepoint
                evaluate_stored(due, status)
            return
        except Exception:
            log.exception("evaluation of %d fixes failed in the request; queued for a worker", len(inserted))
            restore_evaluated_until({fix.device_id for fix in due}, status)
    payload = device_ranges((fix.device_id, fix.ts) for fix in inserted)
    transaction.on_commit(lambda: _enqueue_evaluation(payload))


def restore_evaluated_until(device_ids: set[int], status: dict) -> None:
    """Put the devices' evaluated time back to the value read under their locks: their new fixes were not judged."""
    done = {d: status[d].evaluated_until for d in device_ids if d in status}
    rows = [(d, from_epoch(t)) for d, t in sorted(done.items())]
    update_from_values(DeviceStatus._meta.db_table, "device_id", ("evaluated_until",), rows)


def _enqueue_evaluation(payload: list) -> None:
    try:
        tasks.evaluate_fixes.delay(payload)
    except Exception:
        # The fixes are stored: the device's next batch evaluates them too (see evaluation.LOOKBACK).
        log.exception("could not queue the evaluation of %d devices", len(payload))


def _aware(ts) -> datetime:
    # SQLite's RETURNING hands back text; PostgreSQL an aware datetime.
    if isinstance(ts, str):
        ts = datetime.fromisoformat(ts)
    return ts if timezone.is_aware(ts) else timezone.make_aware(ts, UTC)


def store_events(vendor: Vendor, items: list, now: datetime | None = None) -> FeedResult:
    """Store the valid device events once each, quarantine the rest, and queue their effects on commit."""
    now = now or timezone.now()
    valid, rejected = validate_events(items, now, max_ahead())
    devices, refused = resolve_devices(vendor, valid)
    rejected += refused
    rows = sorted((devices[e.device_ref], e.ts, e.type, e.payload, now) for e in valid if e.device_ref in devices)
    with transaction.atomic():
        inserted = insert_ignore_returning(
            DeviceEvent._meta.db_table,
            ("device_id", "ts", "type", "payload", "received_at"),
            [(d, ts, kind, _json(payload), received) for d, ts, kind, payload, received in rows],
            ("device_id", "ts", "type"),
            ("id", "device_id", "ts"),
        )
        quarantine(vendor, QuarantinedItem.Kind.EVENT, rejected, now)
        contact: dict[int, datetime] = {}
        for _pk, device_id, ts in inserted:
            contact[device_id] = max(contact.get(device_id, _aware(ts)), _aware(ts))
        record_contact(list(contact.items()))
        event_ids = [row[0] for row in inserted]
        if event_ids:
            transaction.on_commit(lambda: _enqueue_events(event_ids))
    return FeedResult(accepted=len(inserted), duplicates=len(rows) - len(inserted), rejected=rejected)


def _json(payload: dict) -> str:
    return json.dumps(payload)


def _enqueue_events(event_ids: list[int]) -> None:
    try:
        tasks.process_device_events.delay(event_ids)
    except Exception:
        # The events are stored: the periodic sweep applies them (devices.process_due_events). Never fail the
        # vendor's request after its commit.
        log.exception("could not queue the effects of %d device events; the sweep applies them", len(event_ids))


def attribute_quarantined_fixes(device: Device, now: datetime | None = None) -> int:
    """Store the quarantined fixes a now-registered device sent while unknown; return how many were new."""
    now = now or timezone.now()
    pending = list(
        QuarantinedItem.objects.filter(
            vendor_id=device.vendor_id,
            device_ref=device.device_id,
            reason=QuarantineReason.UNKNOWN_DEVICE,
            kind=QuarantinedItem.Kind.FIX,
            attributed_at__isnull=True,
        )
    )
    parsed = []
    for item in pending:
        fixes, _ = validate_fixes([item.raw], item.received_at, max_ahead())
        parsed.extend((item, f) for f in fixes)
    rows = sorted(
        (device.pk, f.ts, f.lat, f.lon, f.accuracy_m, f.speed_mps, f.heading, f.battery_pct, item.received_at)
        for item, f in parsed
    )
    with transaction.atomic():
        status = lock_devices([device.pk])
        inserted = insert_and_record(rows, now)
        by_ts = {fix.ts: fix.id for fix in inserted}
        for item, f in parsed:
            item.attributed_fix_id = by_ts.get(f.ts.timestamp()) or Fix.objects.get(device=device, ts=f.ts).pk
            item.attributed_at = now
        QuarantinedItem.objects.bulk_update([i for i, _ in parsed], ["attributed_fix", "attributed_at"])
        record_and_evaluate(inserted, status, now)
    return len(inserted)
