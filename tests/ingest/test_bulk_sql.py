"""The bulk SQL helpers store exactly what they are given: microsecond times, floats, NULLs, big batches."""

import math
import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.db import connection

from geofence.db import any_of, array_literal, devices_named, insert_ignore_returning, lock_devices
from geofence.models import DeviceStatus, Fix
from geofence.pg_arrays import binary_array
from geofence.testing import make_device, make_vendor
from tests.services import require_postgres


def test_array_literal_writes_numbers_booleans_and_nulls():
    assert array_literal([1, np.int64(2), None], int) == "{1,2,NULL}"
    assert array_literal([0.1, np.float64(2.5), 80, None]) == "{0.1,2.5,80.0,NULL}"
    assert array_literal([True, np.bool_(False), None], bool) == "{t,f,NULL}"
    assert array_literal([float("nan"), float("inf")]) == "{nan,inf}"


@pytest.mark.django_db
def test_binary_arrays_arrive_as_postgresql_reads_them():
    require_postgres()
    from geofence.db import bulk_cursor

    cases = [
        ([1.5, None, -0.0, float("inf"), 5e-324, np.float64(2.25)], "double precision"),
        ([2**63 - 1, -(2**63), None, np.int64(7)], "bigint"),
        ([2**31 - 1, None], "integer"),
        ([-(2**15), 3], "smallint"),
        ([True, None, np.bool_(False)], "boolean"),
        ([0.5, None], "real"),
        ([], "bigint"),
        ([None, None], "double precision"),
        (np.arange(1000, dtype=np.int64), "bigint"),
    ]
    with bulk_cursor() as cursor:
        for values, kind in cases:
            cursor.execute("SELECT %b, pg_typeof(%b)::text", [binary_array(values, kind)] * 2)
            got, typ = cursor.fetchone()
            assert typ == f"{kind}[]"
            assert got == [None if v is None else v for v in list(values)], kind
        cursor.execute("SELECT %b", [binary_array([float("nan")], "double precision")])
        assert math.isnan(cursor.fetchone()[0][0])


def test_a_binary_array_refuses_an_integer_its_type_cannot_hold():
    with pytest.raises(OverflowError):
        binary_array([2**63], "bigint")
    with pytest.raises(OverflowError):
        binary_array([2**31], "integer")


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
def test_lock_devices_gives_the_status_times_in_unix_seconds():
    vendor, _key = make_vendor("lock-times")
    device = make_device(vendor)
    judged = datetime(2026, 3, 1, 21, 15, 4, 250_001, tzinfo=UTC)
    DeviceStatus.objects.filter(device=device).update(
        evaluated_until=judged, last_fix_at=judged + timedelta(seconds=3), silent_since=judged, clock_off_batches=2
    )

    state = lock_devices([device.pk])[device.pk]

    assert state == (judged.timestamp(), judged.timestamp(), None, judged.timestamp() + 3, 2)


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


@pytest.mark.django_db
def test_devices_are_found_by_an_index_not_a_scan_of_every_device():
    require_postgres()
    vendor, _key = make_vendor("indexed")
    devices = [make_device(vendor) for _ in range(3)]
    with connection.cursor() as cursor:
        # The test table is tiny: without this the planner scans it whatever indexes exist.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id, device_id, vendor_id FROM geofence_device WHERE device_id = ANY(%s)",
            [[d.device_id for d in devices]],
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    # Not the (vendor, device id) index read from end to end: the one that starts with the device id.
    assert "device_device_id_idx" in plan
    assert {row[1] for row in devices_named({d.device_id for d in devices})} == {d.device_id for d in devices}
