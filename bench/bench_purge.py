"""Fix retention on PostgreSQL: purge of expired fixes by partition drop, beside a plain DELETE.

Loads `--rows` fixes (default 10,000,000) into three month partitions wholly older than the fix
retention term, plus a recent month that must survive, with generate_series in one INSERT per month;
points device statuses and incidents at expired fixes (the purge must clear them); VACUUM ANALYZE and
CHECKPOINT (an old partition has long been vacuumed by autovacuum and written to disk). Then times
`geofence.partitions.purge_fixes`, the retention job's fix step: partitions created ahead, wholly
expired ones counted, their references cleared and dropped, the rest deleted row by row. Then loads the
same rows again and times the naive `DELETE FROM geofence_fix WHERE ts < cutoff` on them
(`--naive-rows` to time it on fewer).

    .venv/bin/python bench/bench_purge.py                # 10 M fixes, a few minutes
    .venv/bin/python bench/bench_purge.py --quick        # 200,000 fixes, under 30 s
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = os.environ.get("BENCH_DB", "banwatch_purge_bench")
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
DEVICES = 2000
EXPIRED_MONTHS = 3  # wholly expired months holding the rows
RECENT_ROWS = 50_000  # last week's fixes: they stay
# One old incident points at one in so many expired fixes. 10,000 devices at a fix a minute send 10 M fixes in
# 17 hours; a hundred incidents in that time is generous.
FIXES_PER_INCIDENT = 100_000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rows", type=int, help="expired fixes to purge (default 10,000,000; quick 200,000)")
    parser.add_argument("--naive-rows", type=int, help="expired fixes for the plain DELETE (default: --rows)")
    args = parser.parse_args()
    rows = args.rows or (200_000 if args.quick else 10_000_000)
    naive_rows = args.naive_rows or rows

    _prepare_database()
    from django.db import connection

    from geofence import partitions

    now = datetime.now(UTC)
    cutoff = now - timedelta(days=365)
    # The months wholly before the cutoff's month: the third to first before it.
    months = [partitions.add_months(partitions.month_start(cutoff), -k) for k in range(EXPIRED_MONTHS, 0, -1)]
    partitions.ensure_partitions(now, months_back=15)
    print(f"load average {_load()}; expired months {', '.join(f'{m:%Y-%m}' for m in months)}", flush=True)

    loaded = _load_fixes(connection, months, rows, now)
    before, size_before = _count(connection), _size(connection)
    statements = []
    started = time.perf_counter()
    with connection.execute_wrapper(_timed(statements)):
        result = partitions.purge_fixes(cutoff, now)
    purge_s = time.perf_counter() - started
    after, freed = _count(connection), size_before - _size(connection)
    recorded = f"{result.total:,}" + ("" if result.dropped_counted else " (statistics figure)")
    print(
        f"partition purge: {rows:,} expired fixes in {purge_s * 1000:.0f} ms "
        f"({len(result.dropped)} partitions dropped, {result.deleted_rows:,} rows deleted, recorded as {recorded}; "
        f"load {_load()}; loading took {loaded:.0f} s; {freed / 2**20:,.0f} MiB of table and index files freed)",
        flush=True,
    )
    for seconds, sql in sorted(statements, reverse=True)[:5]:
        print(f"  {seconds * 1000:7.1f} ms  {sql[:110]}")
    outside = purge_s - sum(seconds for seconds, _ in statements)
    print(f"  {outside * 1000:7.1f} ms  outside the statements: commits (the files' unlink, the WAL flush), Python")
    floor = _disk_floor(connection, freed, files=len(result.dropped))
    print(f"  {floor * 1000:7.1f} ms  the disk's floor: freeing as many bytes of plain files (ftruncate + fsync)")
    assert before - after == rows and after == RECENT_ROWS, (before, after)
    assert _dangling(connection) == 0
    # Counted exactly, or PostgreSQL's statistics: close, not exact.
    assert result.total == rows if result.dropped_counted else abs(result.total - rows) <= rows // 100, result

    partitions.ensure_partitions(now, months_back=15)
    loaded = _load_fixes(connection, months, naive_rows, now)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM geofence_fix WHERE ts < %s", [cutoff])
        deleted = cursor.rowcount
    naive_s = time.perf_counter() - started
    assert deleted == naive_rows
    print(
        f"plain DELETE ... WHERE ts < cutoff: {deleted:,} expired fixes in {naive_s * 1000:.0f} ms "
        f"(load {_load()}; loading took {loaded:.0f} s)",
        flush=True,
    )
    per_million = naive_s / naive_rows * 1e6
    print(
        f"summary: partition purge {purge_s * 1000:.0f} ms for {rows:,}; plain DELETE {naive_s:.1f} s for "
        f"{naive_rows:,} ({per_million:.1f} s per million)"
    )


def _prepare_database() -> None:
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)"], check=True)
    subprocess.run([*psql, f"CREATE DATABASE {DB_NAME}"], check=True)
    os.environ.update(DATABASE_URL=DB_URL, DJANGO_SETTINGS_MODULE="config.settings", LOG_LEVEL="WARNING")
    os.environ.setdefault("SECRET_KEY", "bench-only-9aQ2wE4rT6yU8iO0pA1sD3fG5hJ7kL9zX2cV4bN6mQ8w")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
    import django

    django.setup()
    from geofence.models import Device, DeviceStatus, Vendor

    vendor = Vendor.objects.create(name="Bench", slug="bench")
    devices = Device.objects.bulk_create(
        Device(vendor=vendor, device_id=f"EM-{k:06d}", kind="ankle_monitor") for k in range(DEVICES)
    )
    DeviceStatus.objects.bulk_create(DeviceStatus(device=d) for d in devices)


def _load_fixes(connection, months: list[datetime], rows: int, now: datetime) -> float:
    """Insert `rows` fixes spread over the months and RECENT_ROWS in the last week; return the seconds taken."""
    started = time.perf_counter()
    per_month = [rows // len(months) + (k < rows % len(months)) for k in range(len(months))]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE geofence_fix")
        cursor.execute("SELECT min(id) FROM geofence_device")
        first = cursor.fetchone()[0]
        spans = [(m, n, 27 * 86400) for m, n in zip(months, per_month, strict=True)]
        spans.append((now - timedelta(days=7), RECENT_ROWS, 6 * 86400))
        for start, n, seconds in spans:
            # Fix g: device g mod DEVICES, at a time spread over the span (unique per device).
            step = seconds / ((n + DEVICES - 1) // DEVICES)
            cursor.execute(
                "INSERT INTO geofence_fix (device_id, ts, lat, lon, accuracy_m, speed_mps, heading, battery_pct, "
                "received_at) SELECT %s + g %% %s, %s + (g / %s) * %s * interval '1 second', "
                "52.0 + (g %% 997) / 1000.0, 5.0 + (g %% 991) / 1000.0, 5 + g %% 20, 1.2, g %% 360, 80, "
                "%s + (g / %s) * %s * interval '1 second' FROM generate_series(0, %s) g",
                [first, DEVICES, start, DEVICES, step, start, DEVICES, step, n - 1],
            )
        # What points at expired fixes: every device's status, and some old incidents.
        cursor.execute(
            "UPDATE geofence_devicestatus s SET last_fix_id = f.id FROM (SELECT DISTINCT ON (device_id) "
            "device_id, id FROM geofence_fix WHERE ts < %s ORDER BY device_id, ts DESC) f "
            "WHERE f.device_id = s.device_id",
            [months[-1] + timedelta(days=27)],
        )
        cursor.execute(
            "SELECT id, ts, device_id FROM geofence_fix WHERE ts < %s AND id %% %s = 0",
            [months[-1] + timedelta(days=27), FIXES_PER_INCIDENT],
        )
        pointers = cursor.fetchall()
    from geofence.models import Incident

    Incident.objects.all().delete()
    Incident.objects.bulk_create(
        Incident(type="zone_violation", state="closed", opened_at=ts, closed_at=ts, device_id=d, last_fix_id=i)
        for i, ts, d in pointers
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE geofence_fix")
        cursor.execute("VACUUM ANALYZE geofence_devicestatus")
        cursor.execute("VACUUM ANALYZE geofence_incident")
        # An old partition was written to disk long ago: flush what loading left in memory, so the timed
        # purge unlinks settled files instead of waiting on the write-back of the rows just loaded.
        cursor.execute("CHECKPOINT")
    os.sync()
    return time.perf_counter() - started


def _timed(statements: list):
    """Return a Django execute wrapper that notes (seconds, SQL) of each statement."""

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - started, " ".join(sql.split())))

    return wrapper


def _disk_floor(connection, size: int, files: int) -> float:
    """Return the seconds this disk takes to free `size` bytes of settled plain files beside PostgreSQL's own.

    A dropped table's files are truncated at commit; on a file system mounted with `discard` every freed
    block is trimmed then and there, which no SQL can avoid: this is the purge's lower bound on this host.
    """
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data_directory = Path(cursor.fetchone()[0])
    folder = Path(tempfile.mkdtemp(prefix="purge-floor-", dir=data_directory.parent))
    try:
        chunk = b"\0" * 2**20
        paths = [folder / f"segment-{k}" for k in range(max(files, 1))]
        for path in paths:
            with path.open("wb") as handle:
                for _ in range(size // len(paths) // len(chunk)):
                    handle.write(chunk)
        os.sync()
        started = time.perf_counter()
        for path in paths:
            descriptor = os.open(path, os.O_RDWR)
            os.ftruncate(descriptor, 0)
            os.fsync(descriptor)
            os.close(descriptor)
        return time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _size(connection) -> int:
    """Return the bytes on disk of the fix table's partitions, indexes included."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits "
            "WHERE inhparent = 'geofence_fix'::regclass"
        )
        return int(cursor.fetchone()[0])


def _count(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM geofence_fix")
        return cursor.fetchone()[0]


def _dangling(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM geofence_devicestatus s WHERE last_fix_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM geofence_fix f WHERE f.id = s.last_fix_id)) + (SELECT count(*) FROM geofence_incident i "
            "WHERE last_fix_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM geofence_fix f WHERE f.id = i.last_fix_id))"
        )
        return cursor.fetchone()[0]


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
