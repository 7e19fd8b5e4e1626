"""Timestamps read from PostgreSQL: psycopg's compiled loader, the same values Django's own loader gives."""

import datetime

import pytest
from django.db import connection
from psycopg.postgres import types
from psycopg.pq import Format

from registry.db import CompiledTimestamptzLoader
from tests.services import require_postgres

pytestmark = pytest.mark.django_db

# Around the change to winter time in Amsterdam, before 1970, microseconds, and a plain UTC moment.
MOMENTS = [
    "2026-10-25 00:59:59.999999+00",
    "2026-10-25 01:00:00+00",
    "2026-03-29 01:30:00.5+02",
    "1961-04-13 23:00:00+01",
    "2026-12-06 15:00:00+00",
]


def _read(sql: str, params=()) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def test_timestamps_are_read_with_the_compiled_loader():
    require_postgres()
    connection.ensure_connection()
    oid = types["timestamptz"].oid
    assert connection.connection.adapters.get_loader(oid, Format.TEXT) is CompiledTimestamptzLoader
    with connection.cursor() as cursor:
        # Django checks the loader's time zone for every cursor and registers its own when they differ.
        assert cursor.cursor.adapters.get_loader(oid, Format.TEXT) is CompiledTimestamptzLoader


@pytest.mark.parametrize("text", MOMENTS)
def test_a_timestamp_reads_as_the_same_moment_in_utc(text):
    require_postgres()
    (moment,) = _read("SELECT %s::timestamptz", [text])
    (expected,) = _read("SELECT extract(epoch FROM %s::timestamptz)::float8", [text])
    assert moment.tzinfo is datetime.UTC
    assert moment.timestamp() == pytest.approx(float(expected), abs=1e-6)


def test_a_null_timestamp_reads_as_none_and_a_saved_one_comes_back_equal():
    require_postgres()
    from registry.models import AuditEntry

    entry = AuditEntry.record(None, "test.timestamp")
    saved = AuditEntry.objects.filter(pk=entry.pk).values_list("at", flat=True).get()
    assert saved == entry.at and saved.tzinfo is datetime.UTC
    assert _read("SELECT NULL::timestamptz") == [None]
