"""The audit log is hash-chained, and on PostgreSQL a trigger refuses UPDATE and DELETE.

Entries are written unsealed and sealed into the chain by the sealer (on SQLite at once, by the writer).
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from registry.models import AuditChainHead, AuditEntry
from registry.tasks import seal_audit_log
from tests.services import require_postgres

TABLE = AuditEntry._meta.db_table


def _write(users, n: int) -> list[AuditEntry]:
    """Write n entries and seal them; return them as stored."""
    written = [AuditEntry.record(users["bob"], "lookup", person_ids=[i], query=f"naam {i}") for i in range(n)]
    AuditEntry.objects.seal_pending()
    return list(AuditEntry.objects.filter(pk__in=[e.pk for e in written]).order_by("position"))


def _unsealed(age: timedelta) -> AuditEntry:
    """Store an entry as a writer leaves it, written age ago (bulk_create: no sealing on any database)."""
    entry = AuditEntry(actor_name="bob", action="lookup", at=timezone.now() - age, details={"query": "laat"})
    return AuditEntry._base_manager.bulk_create([entry])[0]


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


def test_positions_follow_the_order_entries_were_sealed(users):
    entries = _write(users, 4)
    positions = [e.position for e in entries]
    assert positions == list(range(positions[0], positions[0] + 4))
    assert AuditChainHead.current().position == positions[-1]


def test_on_postgresql_an_entry_is_written_unsealed_and_the_sealer_chains_it(users):
    require_postgres()
    first = AuditEntry.record(users["bob"], "lookup", query="een")
    second = AuditEntry.record(users["bob"], "lookup", query="twee")
    stored = AuditEntry.objects.get(pk=first.pk)
    assert (stored.position, stored.prev_hash, stored.hash) == (None, "", "")
    assert list(AuditEntry.objects.unsealed()) == [first, second]

    assert seal_audit_log() == 2

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position + 1, second.prev_hash) == (second.position, first.hash)
    assert second.hash == second.compute_hash()
    assert not AuditEntry.objects.unsealed().exists()
    assert _verify().strip() == "ok: 2 entries"


@pytest.mark.django_db(transaction=True)
def test_writing_an_entry_does_not_wait_for_the_chain_head_on_postgresql(users):
    """A sealer (or anything else) holding the head's lock must not hold up a lookup's audit entry."""
    require_postgres()
    AuditEntry.record(users["bob"], "lookup", query="eerste")
    AuditEntry.objects.seal_pending()
    locked, release = threading.Event(), threading.Event()

    def hold_head() -> None:
        try:
            with transaction.atomic():
                AuditChainHead.locked()
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_head)
    holder.start()
    try:
        assert locked.wait(5)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")
        try:
            entry = AuditEntry.record(users["bob"], "lookup", query="tijdens")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")
        assert AuditEntry.objects.filter(pk=entry.pk, position__isnull=True).exists()
    finally:
        release.set()
        holder.join()
    assert AuditEntry.objects.seal_pending() == 1
    assert _verify().strip() == "ok: 2 entries"


def _last_pass_ago(age: timedelta) -> None:
    AuditChainHead.objects.filter(pk=1).update(sealed_at=timezone.now() - age)


def test_verify_audit_reports_an_entry_left_unsealed_too_long(users, settings):
    _write(users, 2)
    overdue = timedelta(seconds=settings.AUDIT_SEAL_MAX_AGE_SECONDS + 5)
    late = _unsealed(overdue)
    _last_pass_ago(overdue)
    with pytest.raises(CommandError, match=f"broken at entry {late.pk} .*not sealed"):
        _verify()
    AuditEntry.objects.seal_pending()
    assert _verify().strip() == "ok: 3 entries"


def test_an_old_entry_is_not_overdue_while_the_sealer_keeps_passing(users, settings):
    """An entry of a long transaction becomes visible old: the next pass takes it, no alarm meanwhile."""
    _write(users, 2)
    _unsealed(timedelta(seconds=settings.AUDIT_SEAL_MAX_AGE_SECONDS + 5))
    assert _verify().strip() == "ok: 2 entries, 1 awaiting their seal"


def test_every_seal_pass_is_recorded_even_with_nothing_to_seal(users):
    _write(users, 1)
    _last_pass_ago(timedelta(hours=1))
    assert AuditEntry.objects.seal_pending() == 0
    assert timezone.now() - AuditChainHead.current().sealed_at < timedelta(seconds=5)


def test_a_recent_unsealed_entry_is_not_a_break(users):
    _write(users, 2)
    _unsealed(timedelta(seconds=1))
    assert _verify().strip() == "ok: 2 entries, 1 awaiting their seal"


def test_an_entry_that_committed_late_is_sealed_after_the_ones_already_sealed(users):
    """Insertion ids and commit order differ under concurrency: the chain takes entries as it finds them."""
    sealed = _write(users, 2)
    late = _unsealed(timedelta(seconds=2))
    AuditEntry.objects.seal_pending()
    late.refresh_from_db()
    assert (late.position, late.prev_hash) == (sealed[-1].position + 1, sealed[-1].hash)
    assert _verify().strip() == "ok: 3 entries"


def test_the_trigger_lets_only_the_sealing_update_through_on_postgresql(users):
    require_postgres()
    entry = AuditEntry.record(users["bob"], "lookup", query="ongezegeld")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(f"UPDATE {TABLE} SET position = 999, hash = 'x', actor_name = 'iemand' WHERE id = %s", [entry.pk])  # noqa: S608
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(f"UPDATE {TABLE} SET details = '{{}}' WHERE id = %s", [entry.pk])  # noqa: S608
    AuditEntry.objects.seal_pending()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(f"UPDATE {TABLE} SET position = NULL WHERE id = %s", [entry.pk])  # noqa: S608
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(f"UPDATE {TABLE} SET hash = 'x' WHERE id = %s", [entry.pk])  # noqa: S608
    assert _verify().strip() == "ok: 1 entries"


def test_beat_runs_the_sealer():
    job = settings.CELERY_BEAT_SCHEDULE["seal-audit-log"]
    assert (job["task"], job["schedule"]) == ("registry.tasks.seal_audit_log", float(settings.AUDIT_SEAL_SECONDS))


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sealers_keep_one_chain_on_postgresql(users):
    require_postgres()
    done = threading.Event()

    def write(worker: int) -> None:
        try:
            for i in range(15):
                AuditEntry.record(users["bob"], "lookup", person_ids=[worker * 100 + i])
        finally:
            connection.close()

    def seal() -> int:
        sealed = 0
        try:
            while not done.is_set():
                sealed += AuditEntry.objects.seal_pending(batch=7)
            return sealed + AuditEntry.objects.seal_pending(batch=7)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as sealers:
        sealing = [sealers.submit(seal) for _ in range(2)]
        with ThreadPoolExecutor(max_workers=6) as writers:
            list(writers.map(write, range(6)))
        done.set()
        assert sum(s.result() for s in sealing) == 90
    assert _verify().strip() == "ok: 90 entries"
    assert AuditChainHead.current().position - AuditEntry.objects.order_by("position").first().position == 89


def test_seal_audit_seals_what_awaits_and_says_how_many(users):
    _write(users, 1)
    _unsealed(timedelta(seconds=1))
    out = StringIO()
    call_command("seal_audit", stdout=out)
    assert out.getvalue().strip() == "sealed: 1 entries"
    assert not AuditEntry.objects.unsealed().exists()


@pytest.mark.parametrize("every", ["-1", "0", "nan", "soms"])
def test_seal_audit_refuses_an_interval_that_is_not_positive_seconds(every):
    with pytest.raises(CommandError, match="not a number of seconds over 0"):
        call_command("seal_audit", "--every", every)
