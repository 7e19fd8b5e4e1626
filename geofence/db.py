"""Bulk SQL the ORM does not offer: insert-or-ignore with RETURNING, per-device locks.

Both PostgreSQL and SQLite (3.35+) understand `INSERT ... ON CONFLICT DO
NOTHING RETURNING`, which tells exactly which rows were new: the feed counts
duplicates from it and needs the new ids for the device board.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import connection

# Stay well under SQLite's and PostgreSQL's limits on parameters per statement.
MAX_PARAMS = 30_000


def insert_ignore_returning(
    table: str, columns: Sequence[str], rows: Sequence[Sequence], conflict: Sequence[str], returning: Sequence[str]
) -> list[tuple]:
    """Insert rows, skipping those that collide on `conflict`; return `returning` of the inserted ones."""
    if not rows:
        return []
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
    return found


def adapt(value):
    """Adapt datetimes the way Django stores them (SQLite keeps naive UTC text)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def lock_devices(device_ids) -> None:
    """Serialise work on these devices until the transaction ends.

    On PostgreSQL a transaction-level advisory lock per device, taken in id
    order so two requests never wait on each other in a cycle. SQLite allows
    one writer at a time anyway.
    """
    ids = sorted({int(i) for i in device_ids})
    if not ids or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s::int, k) FROM unnest(%s::int[]) AS k ORDER BY k",
            [DEVICE_LOCK_SPACE, ids],
        )


# First key of the two-key advisory lock, so device locks never collide with others.
DEVICE_LOCK_SPACE = 47_110


def update_from_values(table: str, key: str, columns: Sequence[str], rows: Sequence[Sequence], where: str = "") -> None:
    """Run `WITH v AS (VALUES ...) UPDATE table t SET col = v.col ... FROM v WHERE t.key = v.key [AND where]`.

    `rows` hold the key first, then the columns. `where` may use `t.` for the
    table and `v.` for the values. PostgreSQL needs the VALUES typed: the first
    row carries casts taken from the table's own column types.
    """
    if not rows:
        return
    qn = connection.ops.quote_name
    names = [key, *columns]
    assignments = ", ".join(f"{qn(c)} = v.{qn(c)}" for c in columns)
    condition = f"t.{qn(key)} = v.{qn(key)}" + (f" AND ({where})" if where else "")
    chunk = max(1, MAX_PARAMS // len(names))
    with connection.cursor() as cursor:
        casts = _casts(cursor, table, names)
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            first = "(" + ", ".join(f"%s{cast}" for cast in casts) + ")"
            rest = "(" + ", ".join(["%s"] * len(names)) + ")"
            values = ", ".join([first] + [rest] * (len(part) - 1))
            sql = (
                f"WITH v({', '.join(qn(c) for c in names)}) AS (VALUES {values}) "  # noqa: S608 - names are ours
                f"UPDATE {qn(table)} AS t SET {assignments} FROM v WHERE {condition}"
            )
            cursor.execute(sql, [adapt(v) for row in part for v in row])


_PG_TYPES: dict[tuple[str, str], str] = {}


def _casts(cursor, table: str, names: Sequence[str]) -> list[str]:
    if connection.vendor != "postgresql":
        return [""] * len(names)
    missing = [n for n in names if (table, n) not in _PG_TYPES]
    if missing:
        cursor.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s", [table])
        for name, data_type in cursor.fetchall():
            _PG_TYPES[(table, name)] = data_type
    return [f"::{_PG_TYPES[(table, n)]}" for n in names]
