"""The bulk SQL helpers store exactly what they are given: microsecond times, floats, NULLs, big batches."""

import random
import struct
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.db import connection, transaction

from geofence.db import any_of, array_literal, insert_fix_rows, insert_ignore_returning, lock_devices
from geofence.models import Fix
from geofence.pgcopy import PG_EPOCH_S, binary_copy
from geofence.testing import make_device, make_vendor


def test_array_literal_writes_numbers_booleans_and_nulls():
    assert array_literal([1, np.int64(2), None], int) == "{1,2,NULL}"
    assert array_literal([0.1, np.float64(2.5), 80, None]) == "{0.1,2.5,80.0,NULL}"
    assert array_literal([True, np.bool_(False), None], bool) == "{t,f,NULL}"
    assert array_literal([float("nan"), float("inf")]) == "{nan,inf}"


@pytest.mark.django_db
def test_inserted_fixes_keep_microseconds_and_values():
    vendor, _key = make_vendor("bulk")
    device = make_device(vendor)
    rng = random.Random(5)
    start = datetime(2026, 3, 1, 21, 15, tzinfo=UTC)
    rows = [
        (
            device.pk,
            start + timedelta(seconds=i, microseconds=rng.randrange(1_000_000)),
            rng.uniform(50, 54),
            rng.uniform(3, 7),
            rng.uniform(0, 50),
            None if i % 2 else rng.uniform(0, 30),
            None,
            80.0,
            start,
        )
        for i in range(500)
    ]
    columns = ("device_id", "ts", "lat", "lon", "accuracy_m", "speed_mps", "heading", "battery_pct", "received_at")
    inserted = insert_ignore_returning(Fix._meta.db_table, columns, rows, ("device_id", "ts"), ("id",))
    again = insert_ignore_returning(Fix._meta.db_table, columns, rows[:10], ("device_id", "ts"), ("id",))

    assert len(inserted) == 500 and again == []
    stored = list(Fix.objects.filter(device=device).order_by("ts").values_list("ts", "lat", "lon", "speed_mps"))
    assert stored == [(r[1], r[2], r[3], r[5]) for r in rows]


@pytest.mark.django_db
def test_lock_devices_returns_each_devices_status():
    vendor, _key = make_vendor("locks")
    devices = [make_device(vendor) for _ in range(3)]

    found = lock_devices(d.pk for d in devices)

    assert set(found) == {d.pk for d in devices}
    assert all(row == (None, None, None, None, 0) for row in found.values())


@pytest.mark.django_db
def test_any_of_matches_the_listed_values_only():
    vendor, _key = make_vendor("anyof")
    devices = [make_device(vendor) for _ in range(3)]
    condition, params = any_of("id", [devices[0].pk, devices[2].pk])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM geofence_device WHERE {condition} ORDER BY id", params)  # noqa: S608
        assert [r[0] for r in cursor.fetchall()] == [devices[0].pk, devices[2].pk]


@pytest.mark.django_db
def test_bulk_cursor_raises_djangos_errors_and_flags_the_connection():
    # Django's error types are what callers (and the 503 for a lost database) recognise; the flag lets
    # Django drop a broken connection at the end of the request.
    from django.db import ProgrammingError

    from geofence.db import bulk_cursor

    if connection.vendor != "postgresql":
        pytest.skip("bulk_cursor is the PostgreSQL path")
    with pytest.raises(ProgrammingError), bulk_cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM geofence_fix")
    assert connection.errors_occurred


def test_binary_copy_writes_fixed_width_rows_between_header_and_trailer():
    body = binary_copy(
        ("int8", "float8", "timestamptz"),
        [np.array([7, 8]), np.array([0.5, np.nan]), np.array([PG_EPOCH_S + 1.000001, PG_EPOCH_S - 2.5])],
    )
    header, rows, trailer = body[:19], body[19:-2], body[-2:]

    assert header == b"PGCOPY\n\xff\r\n\x00" + bytes(8)
    assert trailer == struct.pack(">h", -1)
    decoded = [struct.unpack(">hiqidiq", rows[k : k + 38]) for k in range(0, len(rows), 38)]
    assert [(d[0], d[1], d[3], d[5]) for d in decoded] == [(3, 8, 8, 8)] * 2
    assert [d[2] for d in decoded] == [7, 8]
    assert decoded[0][4] == 0.5 and np.isnan(decoded[1][4])
    assert [d[6] for d in decoded] == [1_000_001, -2_500_000]  # microseconds since 2000, to the microsecond


def _fix_rows(device, start: datetime, n: int, seed: int = 5) -> list[tuple]:
    rng = random.Random(seed)
    return [
        (
            device.pk,
            start + timedelta(seconds=i, microseconds=rng.randrange(1_000_000)),
            rng.uniform(50, 54),
            rng.uniform(3, 7),
            rng.uniform(0, 50),
            None if i % 2 else rng.uniform(0, 30),
            None if i % 3 else rng.uniform(0, 360),
            None if i % 5 == 0 else float(rng.randrange(101)),
            start + timedelta(minutes=1),
        )
        for i in range(n)
    ]


@pytest.mark.django_db
def test_insert_fix_rows_stores_each_fix_once_with_its_values_and_nulls():
    device = make_device(make_vendor("copy")[0])
    start = datetime(2026, 3, 1, 21, 15, tzinfo=UTC)
    rows = _fix_rows(device, start, 600)

    new = insert_fix_rows(rows[:400] + rows[:10])  # repeats within the batch are stored once
    later = insert_fix_rows(rows[300:])  # overlaps what is stored

    assert [(r[1], r[2]) for r in new] == [(device.pk, row[1].timestamp()) for row in rows[:400]]
    assert [r[2] for r in later] == [row[1].timestamp() for row in rows[400:]]
    stored = Fix.objects.filter(device=device).order_by("ts")
    columns = ("ts", "lat", "lon", "accuracy_m", "speed_mps", "heading", "battery_pct", "received_at")
    assert list(stored.values_list(*columns)) == [row[1:] for row in rows]
    returned = {r[0]: r[3:] for r in new + later}
    assert all(returned[fix.id] == (fix.lat, fix.lon, fix.accuracy_m, fix.battery_pct) for fix in stored)


@pytest.mark.django_db
def test_a_second_insert_in_one_transaction_sees_only_its_own_rows():
    device = make_device(make_vendor("copy-twice")[0])
    rows = _fix_rows(device, datetime(2026, 3, 1, tzinfo=UTC), 20)
    with transaction.atomic():
        first = insert_fix_rows(rows[:10])
        second = insert_fix_rows(rows[10:])
    assert len(first) == len(second) == 10
    assert {r[0] for r in first}.isdisjoint(r[0] for r in second)
    assert Fix.objects.filter(device=device).count() == 20


@pytest.mark.django_db(transaction=True)
def test_insert_fix_rows_outside_a_transaction_stores_the_rows():
    # In autocommit each statement commits: the staging rows must still reach the fix table.
    device = make_device(make_vendor("copy-autocommit")[0])
    rows = _fix_rows(device, datetime(2026, 3, 1, tzinfo=UTC), 5)
    assert len(insert_fix_rows(rows)) == 5
    assert insert_fix_rows(rows) == []
    assert Fix.objects.filter(device=device).count() == 5
