"""On PostgreSQL the fix table is partitioned by month: created ahead, wholly expired months dropped."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from geofence import partitions
from geofence.db import previous_fix_rows
from geofence.models import DeviceStatus, Fix, Incident, QuarantinedItem
from geofence.retention import purge_expired
from geofence.testing import insert_fixes, make_device, make_vendor
from tests.services import require_postgres

pytestmark = pytest.mark.services

NOW = timezone.now()


@pytest.fixture
def device(db):
    require_postgres()
    assert partitions.is_partitioned()
    return make_device(make_vendor()[0])


def _row(device, at: datetime) -> tuple:
    return (device.pk, at, 52.1, 5.1, 8.0, None, None, 80.0, NOW)


def _home(fix_id: int) -> str:
    """Return the name of the partition holding the fix."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM geofence_fix WHERE id = %s", [fix_id])
        return cursor.fetchone()[0]


def _names() -> list[str]:
    return [p.name for p in partitions.partitions()]


def test_the_job_creates_this_month_and_two_ahead(device):
    later = datetime(2031, 3, 10, tzinfo=UTC)
    created = partitions.ensure_partitions(later)
    assert created == ["geofence_fix_p2031_03", "geofence_fix_p2031_04", "geofence_fix_p2031_05"]
    assert partitions.ensure_partitions(later) == []  # once only
    names = _names()
    assert "geofence_fix_p2031_06" not in names
    assert names[-1] == partitions.DEFAULT
    # The migration made this month and the next two.
    current = partitions.month_start(NOW)
    for k in range(partitions.AHEAD_MONTHS + 1):
        assert partitions.partition_name(partitions.add_months(current, k)) in names


def test_a_fix_no_month_covers_lands_in_the_default_partition_and_moves_when_its_month_comes(device):
    past, future, now = insert_fixes(
        [
            _row(device, datetime(1999, 7, 1, tzinfo=UTC)),
            _row(device, datetime(2031, 3, 15, tzinfo=UTC)),
            _row(device, NOW),
        ]
    )
    assert _home(past.id) == _home(future.id) == partitions.DEFAULT
    assert _home(now.id) == partitions.partition_name(partitions.month_start(NOW))
    partitions.ensure_partitions(datetime(2031, 3, 1, tzinfo=UTC), ahead=0)
    assert _home(future.id) == "geofence_fix_p2031_03"
    assert Fix.objects.get(pk=future.id).ts == datetime(2031, 3, 15, tzinfo=UTC)


def test_the_same_fix_twice_is_stored_once_in_every_partition(device):
    rows = [_row(device, NOW), _row(device, datetime(1999, 7, 1, tzinfo=UTC))]
    assert len(insert_fixes(rows)) == 2
    assert insert_fixes(rows) == []
    assert Fix.objects.count() == 2


def test_a_device_s_previous_fix_is_found_within_the_last_month_and_before_it(device):
    quiet = make_device(device.vendor)
    stored = insert_fixes(
        [
            _row(device, NOW - timedelta(days=40)),
            _row(device, NOW - timedelta(days=2)),
            _row(quiet, NOW - timedelta(days=40)),
            _row(quiet, datetime(1999, 7, 1, tzinfo=UTC)),
        ]
    )
    rows = {row[0]: row[1] for row in previous_fix_rows({device.pk: NOW.timestamp(), quiet.pk: NOW.timestamp()})}
    assert rows == {device.pk: stored[1].ts, quiet.pk: stored[2].ts}
    assert previous_fix_rows({quiet.pk: (NOW - timedelta(days=41)).timestamp()})[0][1] == stored[3].ts


def test_the_purge_drops_wholly_expired_months_and_deletes_the_rest_to_the_second(device, settings, caplog):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "fixes": 365}
    cutoff = NOW - timedelta(days=365)
    partial = partitions.month_start(cutoff)
    whole = partitions.add_months(partial, -2)
    partitions.ensure_partitions(NOW, months_back=14)
    assert partitions.partition_name(whole) in _names()
    at = {
        "whole": whole + timedelta(days=3),
        "partial_before": cutoff - timedelta(seconds=1),
        "partial_after": cutoff + timedelta(seconds=1),
        "ancient": datetime(1999, 7, 1, tzinfo=UTC),
        "recent": NOW - timedelta(days=1),
    }
    fixes = {name: fix for name, fix in zip(at, insert_fixes([_row(device, t) for t in at.values()]), strict=True)}
    assert _home(fixes["whole"].id) == partitions.partition_name(whole)
    # What points at fixes that go is cleared; what points at one that stays, stays.
    incident = Incident.objects.create(type="zone_violation", opened_at=NOW, last_fix_id=fixes["whole"].id)
    DeviceStatus.objects.filter(device=device).update(last_fix_id=fixes["partial_before"].id)
    kept = QuarantinedItem.objects.create(
        vendor=device.vendor, index=0, raw={}, reason="unknown_device", message="-", received_at=NOW
    )
    QuarantinedItem.objects.filter(pk=kept.pk).update(attributed_fix_id=fixes["partial_after"].id)

    with caplog.at_level(logging.INFO, logger="geofence.partitions"):
        counts = purge_expired(NOW)

    assert counts["fixes"] == 3
    names = _names()
    assert partitions.partition_name(whole) not in names
    assert partitions.partition_name(partial) in names
    assert not any(p.end is not None and p.end <= cutoff for p in partitions.partitions())
    assert set(Fix.objects.values_list("id", flat=True)) == {fixes["partial_after"].id, fixes["recent"].id}
    incident.refresh_from_db()
    assert incident.last_fix_id is None
    assert DeviceStatus.objects.get(device=device).last_fix_id is None
    assert QuarantinedItem.objects.get(pk=kept.pk).attributed_fix_id == fixes["partial_after"].id
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("fix retention")]
    assert len(logged) == 1
    assert "holding 1 fixes, 2 fixes deleted row by row" in logged[0]
    assert partitions.partition_name(whole) in logged[0]


def test_a_partition_too_large_to_count_is_dropped_at_its_statistics_figure(device, monkeypatch):
    month = partitions.add_months(partitions.month_start(NOW), -20)
    partitions.ensure_partitions(month, ahead=0)
    insert_fixes([_row(device, month + timedelta(hours=h)) for h in range(4)])
    with connection.cursor() as cursor:
        # ANALYZE writes reltuples in place: the rollback at the end of the test leaves it.
        cursor.execute(f"ANALYZE {partitions.partition_name(month)}")
    monkeypatch.setattr(partitions, "COUNT_LIMIT", 4)
    result = partitions.purge_fixes(partitions.add_months(month, 1), NOW)
    assert result.dropped == (partitions.partition_name(month),)
    assert (result.dropped_rows, result.dropped_counted, result.deleted_rows) == (4, False, 0)
    monkeypatch.setattr(partitions, "COUNT_LIMIT", 5)
    partitions.ensure_partitions(month, ahead=0)
    insert_fixes([_row(device, month + timedelta(hours=h)) for h in range(2)])
    # The new partition of the same name has no statistics yet (-1): counted.
    assert partitions.purge_fixes(partitions.add_months(month, 1), NOW).dropped_counted


def test_every_foreign_key_to_a_fix_is_cleared_by_the_purge():
    # A new one with a database constraint would break the partitioned table; one not SET_NULL would dangle.
    fields = {f"{r.related_model._meta.label}.{r.field.name}": r.field for r in partitions.fix_references()}
    assert set(fields) == {
        "geofence.Incident.last_fix",
        "geofence.QuarantinedItem.attributed_fix",
        "geofence.DeviceStatus.last_fix",
    }
    for field in fields.values():
        assert field.null and not field.db_constraint
        assert field.remote_field.on_delete.__name__ == "SET_NULL"


@pytest.mark.django_db(transaction=True)
def test_fixes_stored_before_the_migration_survive_it():
    require_postgres()
    before = [("geofence", "0004_vendor_api_key_expiry")]
    after = [("geofence", "0005_fix_partitioned_by_month")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        device = make_device(make_vendor()[0])
        times = [NOW - timedelta(days=40), NOW, datetime(1999, 7, 1, tzinfo=UTC)]
        with connection.cursor() as cursor:
            for t in times:
                cursor.execute(
                    "INSERT INTO geofence_fix (device_id, ts, lat, lon, accuracy_m, received_at) "
                    "VALUES (%s, %s, 52.1, 5.1, 8.0, %s) RETURNING id",
                    [device.pk, t, NOW],
                )
            cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'geofence_fix'")
            assert cursor.fetchone()[0] == "r"
            cursor.execute("SELECT id, ts FROM geofence_fix ORDER BY id")
            stored = cursor.fetchall()
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
    assert partitions.is_partitioned()
    assert list(Fix.objects.order_by("id").values_list("id", "ts")) == stored
    assert _home(stored[1][0]) == partitions.partition_name(partitions.month_start(NOW))
    assert _home(stored[2][0]) == partitions.DEFAULT
    # Ids go on after the old ones; the same fix again is still refused.
    (new,) = insert_fixes([_row(device, NOW + timedelta(seconds=1))])
    assert new.id > stored[-1][0]
    assert insert_fixes([_row(device, NOW)]) == []
