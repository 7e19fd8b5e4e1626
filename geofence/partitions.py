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
# A partition to drop is counted row by row below this many fixes (by its statistics), estimated above.
COUNT_LIMIT = 1_000_000


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
        # DDL takes no bound parameters: the bounds go in as quoted literals.
        bounds = connection.ops.compose_sql("FROM (%s) TO (%s)", [month, end])
        cursor.execute(f"CREATE TABLE {name} PARTITION OF {qn(TABLE)} FOR VALUES {bounds}")
        if moving:
            cursor.execute(f"INSERT INTO {qn(TABLE)} SELECT * FROM fix_moving")  # noqa: S608
            cursor.execute("DROP TABLE fix_moving")
            log.info("fix partition %s: %d fixes moved from the default partition", partition_name(month), moving)
    return True


@dataclass(frozen=True)
class FixPurge:
    dropped: tuple[str, ...]  # partitions dropped
    dropped_rows: int  # fixes in them
    dropped_counted: bool  # False: dropped_rows holds the statistics' figure for some partition (see _drop)
    deleted_rows: int  # fixes deleted row by row (partly expired month, default partition)

    @property
    def total(self) -> int:
        return self.dropped_rows + self.deleted_rows


def purge_fixes(cutoff: datetime, now: datetime) -> FixPurge:
    """Delete every fix before `cutoff`: drop wholly expired partitions, DELETE the rest; log the counts."""
    ensure_partitions(now)
    expired = [p for p in partitions() if p.end is not None and p.end <= cutoff]
    dropped, dropped_rows, counted = (), 0, True
    if expired:
        try:
            with transaction.atomic():
                dropped_rows, counted = _drop(expired)
            dropped = tuple(p.name for p in expired)
        except DatabaseError as exc:
            # Their rows go by the DELETE below: slower, but nothing outlives its term.
            log.warning("fix partitions %s not dropped, deleting their rows instead: %s", expired, exc)
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        _clear_references(cursor, f"SELECT id FROM {qn(TABLE)} WHERE ts < %s", [cutoff])  # noqa: S608
        cursor.execute(f"DELETE FROM {qn(TABLE)} WHERE ts < %s", [cutoff])  # noqa: S608
        deleted = cursor.rowcount
    result = FixPurge(dropped, dropped_rows, counted, deleted)
    log.info(
        "fix retention: before %s, %d partitions dropped (%s) holding %s%d fixes, %d fixes deleted row by row",
        cutoff.isoformat(),
        len(dropped),
        ", ".join(dropped) or "none",
        "" if counted else "about ",
        dropped_rows,
        deleted,
    )
    return result


def _drop(expired: list[Partition]) -> tuple[int, bool]:
    """Drop the partitions after clearing what points at their fixes; return (fixes they held, whether counted).

    One transaction, one commit for all of them. Counting reads every row: a partition that PostgreSQL's
    statistics (pg_class.reltuples) put at COUNT_LIMIT fixes or more is not counted but recorded at that
    figure, so that dropping ten million fixes takes no longer than dropping ten. With the daily job a
    month's partition has lost all but its last day to the row-by-row delete by the time it goes, and is
    counted.
    """
    qn = connection.ops.quote_name
    names = [qn(p.name) for p in expired]
    rows, counted, low, high = 0, True, None, None
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        # No insert can land in them between the count and the drop; ingestion into other months goes on
        # until the DROP itself, which locks the parent for a moment.
        cursor.execute(f"LOCK TABLE {', '.join(names)} IN SHARE MODE")
        # A table with deferred foreign-key checks still pending in this transaction cannot be dropped.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for partition, name in zip(expired, names, strict=True):
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [partition.name])
            estimate = cursor.fetchone()[0]
            if estimate < COUNT_LIMIT:  # -1: never vacuumed nor analysed
                cursor.execute(f"SELECT count(*) FROM {name}")  # noqa: S608
                estimate = cursor.fetchone()[0]
            else:
                counted = False
            rows += estimate
            # Two probes of its primary key: only references into this id range are candidates.
            cursor.execute(f"SELECT min(id), max(id) FROM {name}")  # noqa: S608
            lo, hi = cursor.fetchone()
            if lo is not None:
                low, high = min(lo, low or lo), max(hi, high or hi)
        if low is not None:
            end = max(p.end for p in expired)
            for table, column in _reference_columns():
                # OFFSET 0 keeps the EXISTS a per-row probe of the primary keys: as a semi-join the planner
                # may hash whole partitions, seconds for millions of fixes. Rows of the default partition
                # before `end` match too: the DELETE that follows takes them anyway.
                cursor.execute(
                    f"UPDATE {table} t SET {column} = NULL WHERE t.{column} BETWEEN %s AND %s "  # noqa: S608
                    f"AND EXISTS (SELECT 1 FROM {qn(TABLE)} f WHERE f.id = t.{column} AND f.ts < %s OFFSET 0)",
                    [low, high, end],
                )
        cursor.execute(f"DROP TABLE {', '.join(names)}")
    return rows, counted


def fix_references() -> list:
    """Return the reverse relations of every foreign key to Fix (related_name "+" ones included)."""
    fields = Fix._meta.get_fields(include_hidden=True)
    return [f for f in fields if f.auto_created and not f.concrete and f.one_to_many]


def _reference_columns() -> list[tuple[str, str]]:
    qn = connection.ops.quote_name
    return [(qn(r.related_model._meta.db_table), qn(r.field.column)) for r in fix_references()]


def _clear_references(cursor, fix_ids: str, params: list) -> None:
    """Set to NULL every column pointing at a fix whose id `fix_ids` (a SELECT of ids) yields."""
    for table, column in _reference_columns():
        cursor.execute(
            f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({fix_ids})",  # noqa: S608 - names are ours
            params,
        )
