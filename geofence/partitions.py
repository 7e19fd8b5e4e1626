"""Monthly partitions of the fix table on PostgreSQL: created ahead, dropped once wholly expired.

On PostgreSQL `geofence_fix` is partitioned by range of the fix's time (`ts`), one partition per
calendar month in UTC (`geofence_fix_p2026_12` holds December 2026) and a default partition
(`geofence_fix_default`) for any fix no month partition covers, so no fix is ever refused for want
of a partition. The retention job (geofence.retention) calls `purge_fixes` daily: it creates this
month's partition and AHEAD_MONTHS more, drops every partition whose whole month lies before the
cutoff (one catalogue change, however many rows) and deletes the rest of the expired fixes, those
of the partly expired month and of the default partition, row by row.

Foreign keys to a partitioned table need the partition key in the referenced key, so the columns
that point at a fix (incident, device status, attributed quarantine item) carry no database
constraint; `_clear_references` sets them to NULL before their fixes go, as on_delete=SET_NULL
would. On SQLite the table stays plain and nothing here runs.
"""

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import DatabaseError, connection, transaction

from geofence.models import Fix

log = logging.getLogger(__name__)

TABLE = Fix._meta.db_table
DEFAULT = f"{TABLE}_default"
# Partitions created ahead of the current month: two months' slack if the daily job fails.
AHEAD_MONTHS = 2
# DDL on the fix table waits at most this long for ingestion's locks, and meanwhile holds up new inserts:
# better to give up and try the next day (creation is months ahead) or delete row by row instead.
LOCK_TIMEOUT = "5s"


@dataclass(frozen=True)
class Partition:
    name: str
    start: datetime | None  # None: the default partition
    end: datetime | None


def is_partitioned() -> bool:
    """Tell whether the fix table is a partitioned table (PostgreSQL after the partitioning migration)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def month_start(moment: datetime) -> datetime:
    """Return the first instant of the moment's calendar month in UTC."""
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def add_months(month: datetime, n: int) -> datetime:
    index = month.year * 12 + month.month - 1 + n
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def partition_name(month: datetime) -> str:
    return f"{TABLE}_p{month:%Y_%m}"


_BOUND = re.compile(r"FROM \('([^']+)'\) TO \('([^']+)'\)")


def partitions(cursor=None) -> list[Partition]:
    """Return the fix table's partitions, month partitions in time order, the default partition last."""
    with connection.cursor() as own:
        (cursor or own).execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s)",
            [TABLE],
        )
        rows = (cursor or own).fetchall()
    found = []
    for name, bound in rows:
        match = _BOUND.search(bound)
        if match is None:
            found.append(Partition(name, None, None))
        else:
            start, end = (_timestamp(text) for text in match.groups())
            found.append(Partition(name, start, end))
    return sorted(found, key=lambda p: (p.start is None, p.start or datetime.min.replace(tzinfo=UTC)))


def _timestamp(text: str) -> datetime:
    # pg_get_expr writes the bound in the session's time zone, e.g. '2026-12-01 00:00:00+00'.
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def ensure_partitions(now: datetime, months_back: int = 0, ahead: int = AHEAD_MONTHS) -> list[str]:
    """Create the month partitions from `months_back` before now's month to `ahead` after it; return new names.

    Fixes of such a month already in the default partition move into the new partition. A month whose
    DDL cannot get its lock within LOCK_TIMEOUT is left for the next run (logged).
    """
    first = month_start(now)
    created = []
    for k in range(-months_back, ahead + 1):
        month = add_months(first, k)
        try:
            with transaction.atomic():
                if _create_month(month):
                    created.append(partition_name(month))
        except DatabaseError as exc:
            log.warning("fix partition %s not created: %s", partition_name(month), exc)
    if created:
        log.info("fix partitions created: %s", ", ".join(created))
    return created


def _create_month(month: datetime) -> bool:
    """Create the month's partition unless one covers it; move its fixes out of the default partition."""
    end = add_months(month, 1)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        if any(p.start is not None and p.start < end and month < p.end for p in partitions(cursor)):
            return False
        qn = connection.ops.quote_name
        name, default = qn(partition_name(month)), qn(DEFAULT)
        # The parent first, as CREATE ... PARTITION OF locks it: no lock taken in the other order.
        # Rows of this month in the default partition would make the new partition's bounds invalid.
        cursor.execute(f"LOCK TABLE {qn(TABLE)} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {default} WHERE ts >= %s AND ts < %s)", [month, end])  # noqa: S608
        moving = cursor.fetchone()[0]
        if moving:
            cursor.execute(f"CREATE TEMPORARY TABLE fix_moving (LIKE {qn(TABLE)}) ON COMMIT DROP")
            cursor.execute(
                f"WITH moved AS (DELETE FROM {default} WHERE ts >= %s AND ts < %s RETURNING *) "  # noqa: S608
                "INSERT INTO fix_moving SELECT * FROM moved",
                [month, end],
            )
        cursor.execute(f"CREATE TABLE {name} PARTITION OF {qn(TABLE)} FOR VALUES FROM (%s) TO (%s)", [month, end])
        if moving:
            cursor.execute(f"INSERT INTO {qn(TABLE)} SELECT * FROM fix_moving")  # noqa: S608
            cursor.execute("DROP TABLE fix_moving")
            log.info("fix partition %s: %d fixes moved from the default partition", partition_name(month), moving)
    return True


@dataclass(frozen=True)
class FixPurge:
    dropped: tuple[str, ...]  # partitions dropped
    dropped_rows: int  # fixes in them
    deleted_rows: int  # fixes deleted row by row (partly expired month, default partition)

    @property
    def total(self) -> int:
        return self.dropped_rows + self.deleted_rows


def purge_fixes(cutoff: datetime, now: datetime) -> FixPurge:
    """Delete every fix before `cutoff`: drop wholly expired partitions, DELETE the rest; log the counts."""
    ensure_partitions(now)
    dropped, dropped_rows = [], 0
    for partition in partitions():
        if partition.end is None or partition.end > cutoff:
            continue
        try:
            with transaction.atomic():
                dropped_rows += _drop(partition)
            dropped.append(partition.name)
        except DatabaseError as exc:
            # Its rows go by the DELETE below: slower, but nothing outlives its term.
            log.warning("fix partition %s not dropped, deleting its rows instead: %s", partition.name, exc)
    with transaction.atomic(), connection.cursor() as cursor:
        expired = f"SELECT id FROM {connection.ops.quote_name(TABLE)} WHERE ts < %s"  # noqa: S608
        _clear_references(cursor, expired, [cutoff])
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(TABLE)} WHERE ts < %s", [cutoff])  # noqa: S608
        deleted = cursor.rowcount
    result = FixPurge(tuple(dropped), dropped_rows, deleted)
    log.info(
        "fix retention: before %s, %d partitions dropped (%s) holding %d fixes, %d fixes deleted row by row",
        cutoff.isoformat(),
        len(dropped),
        ", ".join(dropped) or "none",
        dropped_rows,
        deleted,
    )
    return result


def _drop(partition: Partition) -> int:
    """Drop one partition after clearing what points at its fixes; return how many fixes it held."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        # No insert can land in it between the count and the drop; ingestion into other months goes on
        # until the DROP itself, which locks the parent for a moment.
        cursor.execute(f"LOCK TABLE {qn(partition.name)} IN SHARE MODE")
        # A table with deferred foreign-key checks still pending in this transaction cannot be dropped.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"SELECT count(*) FROM {qn(partition.name)}")  # noqa: S608
        rows = cursor.fetchone()[0]
        _clear_references(cursor, f"SELECT id FROM {qn(partition.name)}", [])  # noqa: S608
        cursor.execute(f"DROP TABLE {qn(partition.name)}")
    return rows


def fix_references() -> list:
    """Return the reverse relations of every foreign key to Fix (related_name "+" ones included)."""
    fields = Fix._meta.get_fields(include_hidden=True)
    return [f for f in fields if f.auto_created and not f.concrete and f.one_to_many]


def _clear_references(cursor, fix_ids: str, params: list) -> None:
    """Set to NULL every column pointing at a fix whose id `fix_ids` (a SELECT of ids) yields."""
    qn = connection.ops.quote_name
    for relation in fix_references():
        table, column = qn(relation.related_model._meta.db_table), qn(relation.field.column)
        cursor.execute(
            f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({fix_ids})",  # noqa: S608 - names are ours
            params,
        )
