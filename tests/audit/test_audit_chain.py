"""The audit log is hash-chained, and on PostgreSQL a trigger refuses UPDATE and DELETE."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from registry.models import AuditEntry
from tests.services import require_postgres

TABLE = AuditEntry._meta.db_table


def _write(users, n: int) -> list[AuditEntry]:
    return [AuditEntry.record(users["bob"], "lookup", person_ids=[i], query=f"naam {i}") for i in range(n)]


def _verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def _raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _without_trigger(sql: str, params=()) -> None:
    """Run a tampering statement the way a database superuser could: with the trigger off."""
    if connection.vendor == "postgresql":
        # A superuser's way around ordinary triggers; the test transaction rolls it back.
        _raw("SET LOCAL session_replication_role = replica")
        _raw(sql, params)
        _raw("SET LOCAL session_replication_role = origin")
    else:
        _raw(sql, params)


def test_each_entry_chains_to_the_previous_hash(users):
    first, second, third = _write(users, 3)
    assert first.prev_hash == ""
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3


def test_verify_audit_reports_ok_with_the_count(users):
    _write(users, 4)
    assert _verify().strip() == "ok: 4 entries"


def test_verify_audit_detects_an_altered_row(users):
    entries = _write(users, 5)
    _without_trigger(f"UPDATE {TABLE} SET actor_name = %s WHERE id = %s", ["iemand-anders", entries[2].pk])  # noqa: S608
    with pytest.raises(CommandError, match=f"broken at entry {entries[2].pk} .*altered") as caught:
        _verify()
    assert caught.value.returncode == 1


def test_verify_audit_detects_an_altered_person_list(users):
    entries = _write(users, 3)
    _without_trigger(f"UPDATE {TABLE} SET person_ids = %s WHERE id = %s", ["[999]", entries[1].pk])  # noqa: S608
    with pytest.raises(CommandError, match=f"broken at entry {entries[1].pk} "):
        _verify()


def test_verify_audit_detects_a_deleted_row(users):
    entries = _write(users, 5)
    _without_trigger(f"DELETE FROM {TABLE} WHERE id = %s", [entries[2].pk])  # noqa: S608
    with pytest.raises(CommandError, match=f"broken at entry {entries[3].pk} .*removed"):
        _verify()


def test_verify_audit_detects_the_newest_row_deleted(users):
    entries = _write(users, 3)
    _without_trigger(f"DELETE FROM {TABLE} WHERE id = %s", [entries[-1].pk])  # noqa: S608
    with pytest.raises(CommandError, match=f"broken at entry {entries[1].pk} .*newer entries were removed"):
        _verify()


def test_raw_delete_fails_on_postgresql(users):
    require_postgres()
    _write(users, 2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(f"DELETE FROM {TABLE}")  # noqa: S608
    assert AuditEntry.objects.count() == 2


def test_raw_update_fails_on_postgresql(users):
    require_postgres()
    entry = _write(users, 1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(f"UPDATE {TABLE} SET action = 'niets' WHERE id = %s", [entry.pk])  # noqa: S608
    entry.refresh_from_db()
    assert entry.action == "lookup"


def test_purge_removes_old_entries_and_keeps_the_chain_verifiable(users):
    old = _write(users, 3)
    cutoff = timezone.now()
    _write(users, 2)
    deleted, anchor = AuditEntry.objects.purge_before(cutoff)
    assert (deleted, anchor) == (3, old[-1].hash)
    assert _verify().strip() == "ok: 2 entries"
    assert AuditEntry.objects.purge_before(cutoff - timedelta(days=1))[0] == 0


def test_delete_after_a_purge_is_refused_again_on_postgresql(users):
    require_postgres()
    _write(users, 2)
    AuditEntry.objects.purge_before(timezone.now())
    _write(users, 1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(f"DELETE FROM {TABLE}")  # noqa: S608


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain_on_postgresql(users):
    require_postgres()

    def write(worker: int) -> None:
        try:
            for i in range(15):
                AuditEntry.record(users["bob"], "lookup", person_ids=[worker * 100 + i])
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(write, range(6)))
    assert _verify().strip() == "ok: 90 entries"
