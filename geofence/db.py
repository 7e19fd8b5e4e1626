"""Bulk SQL the ORM does not offer: insert-or-ignore with RETURNING, per-device locks.

Both PostgreSQL and SQLite (3.35+) understand `INSERT ... ON CONFLICT DO
NOTHING RETURNING`, which tells exactly which rows were new: the feed counts
duplicates from it and needs the new ids for the device board.
"""

import math
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import NamedTuple

from django.db import connection

from geofence.models import Device, DeviceAssignment, DeviceStatus, Fix, ZoneTrack
from geofence.pg_arrays import ARRAY_TYPES, binary_array, register

# Stay well under SQLite's and PostgreSQL's limits on parameters per statement.
MAX_PARAMS = 30_000


def insert_ignore_returning(
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence],
    conflict: Sequence[str],
    returning: Sequence[str],
    epoch: Sequence[str] = (),
) -> list[tuple]:
    """Insert rows, skipping those that collide on `conflict`; return `returning` of the inserted ones.

    Returned columns named in `epoch` (timestamps) come back as Unix seconds:
    a float costs nothing to load, a timestamptz text several microseconds.
    """
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _pg_insert_ignore_returning(table, columns, rows, conflict, returning, epoch)
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES "  # noqa: S608 - names are ours
    tail = (
        f" ON CONFLICT ({', '.join(qn(c) for c in conflict)}) DO NOTHING"
        f" RETURNING {', '.join(qn(c) for c in returning)}"
    )
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    chunk = max(1, MAX_PARAMS // len(columns))
    found: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            params = [adapt(v) for row in part for v in row]
            cursor.execute(head + ", ".join([placeholder] * len(part)) + tail, params)
            found.extend(cursor.fetchall())
    times = [k for k, name in enumerate(returning) if name in epoch]
    if times:
        found = [tuple(_sqlite_epoch(v) if k in times else v for k, v in enumerate(row)) for row in found]
    return found


def _sqlite_epoch(value) -> float:
    # SQLite's RETURNING hands back the stored text: naive UTC.
    value = datetime.fromisoformat(value) if isinstance(value, str) else value
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def _pg_insert_ignore_returning(table, columns, rows, conflict, returning, epoch) -> list[tuple]:
    # One array per column: a handful of parameters instead of ten per row, much less to build and parse.
    qn = connection.ops.quote_name
    wanted = ", ".join(f"extract(epoch FROM {qn(c)})::float8" if c in epoch else qn(c) for c in returning)
    with bulk_cursor() as cursor:
        arrays, names, exprs, params = _pg_arrays(cursor, table, columns, rows)
        cursor.execute(
            f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608 - names are ours
            f"SELECT {', '.join(exprs)} FROM unnest({arrays}) AS v({', '.join(names)}) "
            f"ON CONFLICT ({', '.join(qn(c) for c in conflict)}) DO NOTHING "
            f"RETURNING {wanted}",
            params,
            binary=True,  # numbers load without text parsing
        )
        return cursor.fetchall()


# Returned for each new fix by insert_fixes_moving_status; `ts` in Unix seconds.
NEW_FIX_COLUMNS = ("id", "device_id", "ts", "lat", "lon", "accuracy_m", "battery_pct")
_FIX_KEY = ("device_id", "ts")

# A device's status follows its newest fix and never moves back: late fixes arrive too.
_NEWER_FIX = "(t.last_fix_at IS NULL OR t.last_fix_at < v.last_fix_at)"
_NEWER_EVALUATION = "(t.evaluated_until IS NULL OR t.evaluated_until < v.evaluated_until)"
# Contact time never moves back either (a heartbeat may be newer than the newest fix).
_STATUS_EXPRESSIONS = {
    **{c: f"CASE WHEN {_NEWER_FIX} THEN v.{c} ELSE t.{c} END" for c in ("last_fix_id", "last_fix_at", "battery_pct")},
    "last_contact_at": "CASE WHEN t.last_contact_at IS NULL OR t.last_contact_at < v.last_contact_at "
    "THEN v.last_contact_at ELSE t.last_contact_at END",
    "evaluated_until": f"CASE WHEN {_NEWER_EVALUATION} THEN v.evaluated_until ELSE t.evaluated_until END",
}


def insert_fixes_moving_status(
    columns: Sequence[str], rows: Sequence[Sequence], now: datetime, judged_until: float | None
) -> list[tuple]:
    """Insert fix rows, skipping a device and time already stored; move each device's status to its newest new fix.

    Return NEW_FIX_COLUMNS of the new fixes. The status takes last fix,
    battery and contact (the fix's time, or `now` for a fix stamped ahead of
    it); with `judged_until` (Unix seconds) also `evaluated_until`, the newest
    new fix at or before that time (the caller evaluates them all).
    PostgreSQL does both in one statement.
    """
    if not rows:
        return []
    names = ["last_fix_id", "last_fix_at", "battery_pct", "last_contact_at"]
    where = _NEWER_FIX
    if judged_until is not None:
        names.append("evaluated_until")
        where = f"{_NEWER_FIX} OR {_NEWER_EVALUATION}"
    if connection.vendor == "postgresql":
        return _pg_insert_fixes_moving_status(columns, rows, now, judged_until, names, where)
    found = insert_ignore_returning(Fix._meta.db_table, columns, rows, _FIX_KEY, NEW_FIX_COLUMNS, ("ts",))
    newest: dict[int, tuple] = {}
    judged: dict[int, float] = {}
    for row in found:
        device_id, ts = row[1], row[2]
        if device_id not in newest or ts > newest[device_id][2]:
            newest[device_id] = row
        if judged_until is not None and ts <= judged_until and ts > judged.get(device_id, -math.inf):
            judged[device_id] = ts
    status = []
    for device_id in sorted(newest):
        fix_id, _device, ts, *_position, battery = newest[device_id]
        at = from_epoch(ts)
        done = (from_epoch(judged.get(device_id)),) if judged_until is not None else ()
        status.append((device_id, fix_id, at, battery, min(at, now), *done))
    expressions = {name: _STATUS_EXPRESSIONS[name] for name in names}
    update_from_values(DeviceStatus._meta.db_table, "device_id", names, status, where=where, expressions=expressions)
    return found


def _pg_insert_fixes_moving_status(columns, rows, now: datetime, judged_until, names, where) -> list[tuple]:
    # The UPDATE reads the INSERT's new rows in the statement: no second round of arrays to build, send and parse.
    qn = connection.ops.quote_name
    table = Fix._meta.db_table
    judged = "max(ts) FILTER (WHERE ts <= to_timestamp(%s)) OVER (PARTITION BY device_id)"
    assignments = ", ".join(f"{qn(c)} = {_STATUS_EXPRESSIONS[c]}" for c in names)
    with bulk_cursor() as cursor:
        arrays, aliases, exprs, params = _pg_arrays(cursor, table, columns, rows)
        cursor.execute(
            f"WITH new AS (INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608 - ours
            f"SELECT {', '.join(exprs)} FROM unnest({arrays}) AS v({', '.join(aliases)}) "
            f"ON CONFLICT ({', '.join(qn(c) for c in _FIX_KEY)}) DO NOTHING RETURNING {', '.join(NEW_FIX_COLUMNS)}), "
            "v AS (SELECT DISTINCT ON (device_id) device_id, id AS last_fix_id, ts AS last_fix_at, battery_pct, "
            "LEAST(ts, to_timestamp(%s)) AS last_contact_at, "
            f"{judged if judged_until is not None else 'NULL'} AS evaluated_until "
            "FROM new ORDER BY device_id, ts DESC), "
            f"moved AS (UPDATE {qn(DeviceStatus._meta.db_table)} AS t SET {assignments} FROM v "
            f"WHERE t.device_id = v.device_id AND ({where})) "
            "SELECT id, device_id, extract(epoch FROM ts)::float8, lat, lon, accuracy_m, battery_pct FROM new",
            [*params, now.timestamp(), *([judged_until] if judged_until is not None else [])],
            binary=True,
        )
        return cursor.fetchall()


@contextmanager
def bulk_cursor():
    """Yield a psycopg cursor with server-side binding on Django's PostgreSQL connection.

    Django's psycopg cursors bind parameters on the client: every element of
    a thousand-element array is quoted in Python into the SQL text. Here the
    arrays travel as parameters, numbers as pg_arrays.binary_array. Same
    connection, same transaction.
    """
    import psycopg

    connection.ensure_connection()
    register(connection.connection)
    # Django's error wrapper: callers see django.db errors, and a lost connection is flagged for closing.
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


_TIMESTAMPTZ = "timestamp with time zone"


def _pg_arrays(cursor, table: str, names: Sequence[str], rows: Sequence[Sequence]):
    """Return (unnest arguments, column aliases, select expressions, params) for rows of the table's columns.

    Numbers, booleans and timestamps travel as one binary array each (see
    pg_arrays); timestamps as Unix seconds that become timestamptz in SQL.
    Microseconds survive the round trip: 1.8e15 µs is well inside a double's exact integers.
    """
    types = _pg_types(cursor, table, names)
    columns = [list(column) for column in zip(*rows, strict=True)]
    arrays, aliases, exprs, params = [], [], [], []
    for k, (kind, column) in enumerate(zip(types, columns, strict=True)):
        alias = f"c{k}"
        aliases.append(alias)
        exprs.append(f"to_timestamp(v.{alias})" if kind == _TIMESTAMPTZ else f"v.{alias}")
        if kind == _TIMESTAMPTZ:
            column, kind = [None if v is None else v.timestamp() for v in column], "double precision"
        if kind in ARRAY_TYPES:
            arrays.append("%b")
            params.append(binary_array(column, kind))
        else:
            arrays.append(f"%s::{kind}[]")
            params.append(column)
    return ", ".join(arrays), aliases, exprs, params


def array_literal(values: Sequence, kind: type = float) -> str:
    """Return a PostgreSQL array literal of `kind` (int, float or bool) values and None.

    psycopg dumps a list element by element in Python; for a thousand numbers
    one joined string is several times cheaper to build and to send. Use it
    only where PostgreSQL casts it once (unnest in FROM): in `col = ANY(%s::text::bigint[])`
    a sequential scan re-parses the text for every row (measured: 1.2 s on 10,000 rows).
    """
    values = list(values)
    if None in values:
        return "{" + ",".join("NULL" if v is None else array_literal([v], kind)[1:-1] for v in values) + "}"
    if kind is bool:
        return "{" + ",".join("t" if v else "f" for v in values) + "}"
    # float() first: numpy 2 scalars repr as "np.float64(...)". PostgreSQL reads "nan" and "inf" too.
    return "{" + ",".join(map(repr, map(kind, values))) + "}"


def adapt(value):
    """Adapt datetimes the way Django stores them (SQLite keeps naive UTC text)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


class DeviceState(NamedTuple):
    """A device's status row as read under its lock, times in Unix seconds (None where unset).

    Seconds, not datetimes: the evaluation works in them, and making four
    datetimes for each of a batch's thousand devices cost more than the query.
    """

    evaluated_until: float | None
    silent_since: float | None
    gps_lost_at: float | None
    last_fix_at: float | None
    clock_off_batches: int = 0


# Times as epoch seconds (DeviceState).
_LOCK_STATUS = (
    "SELECT device_id, extract(epoch FROM evaluated_until)::float8, extract(epoch FROM silent_since)::float8, "
    "extract(epoch FROM gps_lost_at)::float8, extract(epoch FROM last_fix_at)::float8, clock_off_batches "
    "FROM geofence_devicestatus WHERE device_id = ANY(%b) ORDER BY device_id FOR NO KEY UPDATE"
)
_LOCK_FREE_STATUS = _LOCK_STATUS + " SKIP LOCKED"


def lock_devices(device_ids, skip_locked: bool = False) -> dict[int, DeviceState]:
    """Serialise work on these devices until the transaction ends; return their status row.

    On PostgreSQL the lock is the row lock on each device's DeviceStatus,
    taken in id order so two requests never wait on each other in a cycle.
    Row locks live in the tuples, not in the shared lock table, so a
    10,000-device batch cannot exhaust it the way as many advisory locks
    would. A device without a status row (none should lack one) falls back
    to a transaction-level advisory lock. SQLite allows one writer at a time
    anyway.

    `skip_locked`: lock only the devices no other transaction holds, without
    waiting; the devices left out (held elsewhere, or without a status row)
    are missing from the answer.
    """
    ids = sorted({int(i) for i in device_ids})
    if not ids:
        return {}
    if connection.vendor != "postgresql":
        return _status_rows(ids)
    with bulk_cursor() as cursor:
        cursor.execute(_LOCK_FREE_STATUS if skip_locked else _LOCK_STATUS, [binary_array(ids, "bigint")], binary=True)
        found = {row[0]: DeviceState(row[1], row[2], row[3], row[4], row[5]) for row in cursor.fetchall()}
        missing = [i for i in ids if i not in found]
        if missing and not skip_locked:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s::int, k) FROM unnest(%s::int[]) AS k ORDER BY k",
                [DEVICE_LOCK_SPACE, missing],
            )
    return found


def from_epoch(seconds: float | None) -> datetime | None:
    """Return Unix seconds as an aware UTC datetime, None as None (DeviceState's times, say)."""
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _status_rows(ids: list[int]) -> dict[int, DeviceState]:
    rows = DeviceStatus.objects.filter(device_id__in=ids).values_list(
        "device_id", "evaluated_until", "silent_since", "gps_lost_at", "last_fix_at", "clock_off_batches"
    )
    return {row[0]: DeviceState(*map(_epoch, row[1:5]), row[5]) for row in rows}


def _epoch(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


# First key of the two-key advisory lock, so device locks never collide with others.
DEVICE_LOCK_SPACE = 47_110


def any_of(column: str, values, binary: bool = False) -> tuple[str, list]:
    """Return (SQL condition, params) for `column` in `values`.

    PostgreSQL gets one array parameter (`= ANY(%s)`): Django's `__in` sends
    one parameter per value, which psycopg binds on the client one by one, a
    measurable cost for a thousand device ids. SQLite gets the plain IN list.
    With `binary` (only on a bulk_cursor) the array travels in binary form:
    psycopg's text form quotes each element after a regular-expression test,
    four times slower for a thousand device names.
    """
    values = list(values)
    if connection.vendor == "postgresql":
        return f"{column} = ANY({'%b' if binary else '%s'})", [values]
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def update_from_values(
    table: str,
    key: str,
    columns: Sequence[str],
    rows: Sequence[Sequence],
    where: str = "",
    expressions: dict[str, str] | None = None,
) -> None:
    """Run `WITH v AS (VALUES ...) UPDATE table t SET col = v.col ... FROM v WHERE t.key = v.key [AND where]`.

    `rows` hold the key first, then the columns. `where` may use `t.` for the
    table and `v.` for the values. PostgreSQL gets one typed array per column through unnest().
    """
    if not rows:
        return
    qn = connection.ops.quote_name
    names = [key, *columns]
    expressions = expressions or {}
    assignments = ", ".join(f"{qn(c)} = {expressions.get(c, f'v.{qn(c)}')}" for c in columns)
    condition = f"t.{qn(key)} = v.{qn(key)}" + (f" AND ({where})" if where else "")
    if connection.vendor == "postgresql":
        with bulk_cursor() as cursor:
            arrays, aliases, exprs, params = _pg_arrays(cursor, table, names, rows)
            values = ", ".join(f"{e} AS {qn(c)}" for e, c in zip(exprs, names, strict=True))
            cursor.execute(
                f"UPDATE {qn(table)} AS t SET {assignments} "  # noqa: S608 - names are ours
                f"FROM (SELECT {values} FROM unnest({arrays}) AS v({', '.join(aliases)})) AS v WHERE {condition}",
                params,
            )
        return
    chunk = max(1, MAX_PARAMS // len(names))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            values = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * len(part))
            sql = (
                f"WITH v({', '.join(qn(c) for c in names)}) AS (VALUES {values}) "  # noqa: S608 - names are ours
                f"UPDATE {qn(table)} AS t SET {assignments} FROM v WHERE {condition}"
            )
            cursor.execute(sql, [adapt(v) for row in part for v in row])


_PG_TYPES: dict[tuple[str, str], str] = {}


def _pg_types(cursor, table: str, names: Sequence[str]) -> list[str]:
    """Return the PostgreSQL type of each column, read once per process."""
    if any((table, n) not in _PG_TYPES for n in names):
        cursor.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s", [table])
        for name, data_type in cursor.fetchall():
            _PG_TYPES[(table, name)] = data_type
    return [_PG_TYPES[(table, n)] for n in names]


def stored_fix_rows(bounds: dict) -> list[tuple]:
    """Return (id, device, unix ts, lat, lon, accuracy) of stored fixes within each device's bounds, in time order.

    `bounds` maps a device pk to (low, low is exclusive, high) datetimes.
    """
    if connection.vendor == "postgresql":
        return _pg_fix_rows(bounds)
    low = min(b[0] for b in bounds.values())
    high = max(b[2] for b in bounds.values())
    rows = (
        Fix.objects.filter(device_id__in=bounds, ts__gte=low, ts__lte=high)
        .order_by("ts", "id")
        .values_list("id", "device_id", "ts", "lat", "lon", "accuracy_m")
    )
    found = []
    for fix_id, device_id, ts, lat, lon, accuracy in rows:
        start, exclusive, end = bounds[device_id]
        if not (ts > end or ts < start or (exclusive and ts == start)):
            found.append((fix_id, device_id, ts.timestamp(), lat, lon, accuracy))
    return found


def _pg_fix_rows(bounds: dict) -> list[tuple]:
    # One probe of the (device, ts) index per device, bounds as arrays, times as epoch seconds (no datetime parsing).
    devices = sorted(bounds)
    with bulk_cursor() as cursor:
        cursor.execute(
            "SELECT f.id, f.device_id, extract(epoch FROM f.ts)::float8, f.lat, f.lon, f.accuracy_m "
            "FROM unnest(%b, %b, %b, %b) "
            "AS b(device, lo, excl, hi) "
            "JOIN geofence_fix f ON f.device_id = b.device AND f.ts >= to_timestamp(b.lo) "
            "AND f.ts <= to_timestamp(b.hi) AND NOT (b.excl AND f.ts = to_timestamp(b.lo)) ORDER BY f.ts, f.id",
            [
                binary_array(devices, "bigint"),
                binary_array([bounds[d][0].timestamp() for d in devices], "double precision"),
                binary_array([bounds[d][1] for d in devices], "boolean"),
                binary_array([bounds[d][2].timestamp() for d in devices], "double precision"),
            ],
        )
        return cursor.fetchall()


def zone_tracks_of(device_ids: Sequence[int]) -> list[ZoneTrack]:
    """Return the stored zone tracks of these devices.

    Most devices of a batch have none: on PostgreSQL the thousand ids travel
    as one array literal joined to the device index, not as a list psycopg
    dumps id by id and the planner reads as a thousand constants.
    """
    if connection.vendor != "postgresql":
        return list(ZoneTrack.objects.filter(device_id__in=list(device_ids)))
    table = connection.ops.quote_name(ZoneTrack._meta.db_table)
    return list(
        ZoneTrack.objects.raw(
            f"SELECT z.* FROM unnest(%s::text::bigint[]) AS d(id) JOIN {table} z ON z.device_id = d.id",  # noqa: S608
            [array_literal(device_ids, int)],
        )
    )


def subject_assignment_rows() -> list[tuple]:
    """Return (device, person, unix valid_from, unix valid_until or None) of every subject assignment."""
    if connection.vendor == "postgresql":
        with bulk_cursor() as cursor:
            cursor.execute(
                "SELECT device_id, person_id, extract(epoch FROM valid_from)::float8, "
                "extract(epoch FROM valid_until)::float8 FROM geofence_deviceassignment WHERE person_id IS NOT NULL",
                binary=True,
            )
            return cursor.fetchall()
    rows = DeviceAssignment.objects.filter(person__isnull=False)
    return [
        (device_id, person_id, start.timestamp(), end.timestamp() if end else None)
        for device_id, person_id, start, end in rows.values_list("device_id", "person_id", "valid_from", "valid_until")
    ]


def devices_named(refs: set[str]) -> list[tuple]:
    """Return (pk, device id, vendor pk) of the devices with these device ids."""
    condition, params = any_of("device_id", sorted(refs), binary=True)
    with bulk_cursor() if connection.vendor == "postgresql" else connection.cursor() as cursor:
        cursor.execute(f"SELECT id, device_id, vendor_id FROM {Device._meta.db_table} WHERE {condition}", params)  # noqa: S608
        return cursor.fetchall()


def previous_fix_rows(before: dict[int, float]) -> list[tuple]:
    """Return (device, unix ts, lat, lon, accuracy) of each device's last stored fix before the given unix time."""
    if not before:
        return []
    devices = sorted(before)
    if connection.vendor == "postgresql":
        # One index probe per device and partition: the newest (device, ts) entry below its bound. The fix
        # table is partitioned by month, so first within the last month (one or two partitions), then
        # without a lower bound for the devices that had no fix then.
        found = _pg_previous_fixes(devices, before, "AND ts >= to_timestamp(b.bound) - interval '1 month' ")
        missing = sorted(set(devices) - {row[0] for row in found})
        return found + (_pg_previous_fixes(missing, before, "") if missing else [])
    found = []
    for device_id in devices:
        row = (
            Fix.objects.filter(device_id=device_id, ts__lt=from_epoch(before[device_id]))
            .order_by("-ts")
            .values_list("ts", "lat", "lon", "accuracy_m")
            .first()
        )
        if row is not None:
            found.append((device_id, row[0].timestamp(), row[1], row[2], row[3]))
    return found


def _pg_previous_fixes(devices: list[int], before: dict[int, float], window: str) -> list[tuple]:
    with bulk_cursor() as cursor:
        cursor.execute(
            "SELECT b.device, extract(epoch FROM f.ts)::float8, f.lat, f.lon, f.accuracy_m "  # noqa: S608 - ours
            "FROM unnest(%b, %b) AS b(device, bound) "
            "CROSS JOIN LATERAL (SELECT ts, lat, lon, accuracy_m FROM geofence_fix "
            f"WHERE device_id = b.device AND ts < to_timestamp(b.bound) {window}ORDER BY ts DESC LIMIT 1) AS f",
            [binary_array(devices, "bigint"), binary_array([before[d] for d in devices], "double precision")],
        )
        return cursor.fetchall()
