"""The daily purge deletes or anonymises what outlived its term, and never the audit log before its own."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from geofence import retention
from geofence.alerts.models import AlertOutbox, AlertStatus
from geofence.models import DeviceEvent, Fix, Incident, IncidentEvent, IncidentState, QuarantinedItem
from geofence.monitor.models import HandoverNote
from geofence.retention import ANONYMISED, purge_expired
from geofence.testing import make_device, make_vendor
from registry import services
from registry.letters.models import NoticeStatus, VictimNotice
from registry.models import AuditEntry, BanStatus, Person, ProtectedPerson

NOW = timezone.now()
LONG_AGO = NOW - timedelta(days=6 * 365)


@pytest.fixture
def device(db):
    return make_device(make_vendor()[0])


def make_fix(device, at) -> Fix:
    return Fix.objects.create(device=device, ts=at, lat=52.0, lon=5.0, accuracy_m=5, received_at=at)


def make_incident(at, state=IncidentState.CLOSED) -> Incident:
    closed = at if state == IncidentState.CLOSED else None
    incident = Incident.objects.create(type="area_entered", state=state, opened_at=at, closed_at=closed)
    IncidentEvent.objects.create(incident=incident, action="opened", at=at)
    return incident


def test_fixes_older_than_their_term_are_deleted(device, settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "fixes": 30}
    old, recent = make_fix(device, NOW - timedelta(days=31)), make_fix(device, NOW - timedelta(days=29))
    assert purge_expired(NOW)["fixes"] == 1
    assert list(Fix.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.pk not in Fix.objects.values_list("pk", flat=True)


def test_dry_run_counts_and_changes_nothing(device):
    make_fix(device, LONG_AGO)
    entries = AuditEntry.objects.count()
    counts = purge_expired(NOW, dry_run=True)
    assert counts["fixes"] == 1
    assert Fix.objects.count() == 1
    assert AuditEntry.objects.count() == entries


def test_closed_incidents_go_with_their_timeline_and_open_ones_stay(db):
    make_incident(LONG_AGO)
    still_open = make_incident(LONG_AGO, state=IncidentState.OPEN)
    assert purge_expired(NOW)["incidents"] == 1
    assert list(Incident.objects.values_list("pk", flat=True)) == [still_open.pk]
    assert IncidentEvent.objects.count() == 1


def test_old_quarantine_events_and_delivered_alerts_are_deleted(device):
    QuarantinedItem.objects.create(
        vendor=device.vendor, index=0, raw={}, reason="unknown_device", message="", received_at=LONG_AGO
    )
    DeviceEvent.objects.create(device=device, ts=LONG_AGO, received_at=LONG_AGO, type="heartbeat", processed_at=NOW)
    pending = AlertOutbox.objects.create(incident_id=1, change="opened", message={}, status=AlertStatus.PENDING)
    sent = AlertOutbox.objects.create(incident_id=1, change="opened", message={}, status=AlertStatus.PUBLISHED)
    AlertOutbox.objects.filter(pk__in=[pending.pk, sent.pk]).update(created_at=LONG_AGO)
    counts = purge_expired(NOW)
    assert (counts["quarantine"], counts["device_events"], counts["alerts"]) == (1, 1, 1)
    assert list(AlertOutbox.objects.values_list("pk", flat=True)) == [pending.pk]


def _ban(users, person, victim, valid_until):
    decision = services.create_decision(
        user=users["alice"],
        person=person,
        authority="om",
        legal_basis="gedragsaanwijzing",
        reference=f"RET/{person.pk}/{valid_until:%Y%m%d}",
        decision_date=(valid_until - timedelta(days=400)).date(),
    )
    return services.create_ban(
        user=users["alice"],
        decision=decision,
        person=person,
        kind="contact",
        valid_from=valid_until - timedelta(days=60),  # within a gedragsaanwijzing's 90 days
        valid_until=valid_until,
        protected_persons=[victim],
    )


def test_persons_and_victims_are_anonymised_after_their_last_ban_ended_plus_the_term(users, bound_person, victim):
    _ban(users, bound_person, victim, LONG_AGO)
    stamped = Person.objects.get(pk=bound_person.pk).updated_at
    counts = purge_expired(NOW)
    assert (counts["persons"], counts["protected_persons"]) == (1, 1)
    person, protected = Person.objects.get(pk=bound_person.pk), ProtectedPerson.objects.get(pk=victim.pk)
    assert (person.surname, person.given_names, person.date_of_birth) == (ANONYMISED, "", None)
    assert person.updated_at > stamped  # read as changed by the lookup's vocabulary (lookup.vocabulary)
    assert (protected.surname, protected.street, protected.home_lat) == (ANONYMISED, "", None)
    assert purge_expired(NOW)["persons"] == 0


def test_more_expired_persons_than_one_statement_binds_are_all_anonymised(users, victim, monkeypatch):
    monkeypatch.setattr(retention, "ANONYMISE_CHUNK", 2)  # PostgreSQL's limit is 65,535 parameters a statement
    people = [services.create_person(user=users["alice"], given_names="Oud", surname=f"Mens{n}") for n in range(5)]
    for person in people:
        _ban(users, person, victim, LONG_AGO)
    assert purge_expired(NOW)["persons"] == 5
    assert set(Person.objects.filter(pk__in=[p.pk for p in people]).values_list("surname", flat=True)) == {ANONYMISED}


def test_a_person_with_a_ban_still_in_force_is_kept(users, bound_person, victim):
    _ban(users, bound_person, victim, LONG_AGO)
    _ban(users, services.create_person(user=users["alice"], given_names="Ander", surname="Mens"), victim, NOW)
    ban = _ban(users, bound_person, victim, NOW + timedelta(days=30))
    assert ban.status != BanStatus.ENDED
    counts = purge_expired(NOW)
    assert (counts["persons"], counts["protected_persons"]) == (0, 0)
    assert Person.objects.get(pk=bound_person.pk).surname == "Bedacht"


def test_audit_log_is_purged_only_after_its_term_and_the_purge_is_audited(users, settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "audit": 400}
    AuditEntry.record(users["bob"], "lookup", query="oud")
    later = NOW + timedelta(days=399)
    assert purge_expired(later)["audit"] == 0
    counts = purge_expired(NOW + timedelta(days=401))
    assert counts["audit"] == 2  # the lookup and the first purge's own entry
    last = AuditEntry.objects.get()
    assert last.action == "retention.purged" and last.details["audit"] == 2
    AuditEntry.objects.seal_pending()
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().strip() == "ok: 1 entries"


def test_audit_term_under_the_floor_is_refused(db, settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "audit": 30}
    with pytest.raises(ImproperlyConfigured, match="RETENTION_AUDIT_DAYS"):
        purge_expired(NOW)


def test_command_dry_run_prints_counts(device):
    make_fix(device, LONG_AGO)
    out = StringIO()
    call_command("purge_expired", "--dry-run", stdout=out)
    assert "fixes: 1 would expire" in out.getvalue()
    assert Fix.objects.count() == 1


def test_beat_runs_the_purge_daily(settings):
    from config.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {settings.RETENTION_PURGE_HOUR}


def _letter(ban, victim, sent_on):
    """Return the ban's letter to the victim, marked sent on the day (the ban opens it as due)."""
    fields = {"status": NoticeStatus.SENT, "snapshot": {"kind": "contact"}, "pdf": b"%PDF-fictief", "sent_on": sent_on}
    created = {**fields, "ban_version": 1, "due_since": NOW}
    notice, _ = VictimNotice.objects.update_or_create(
        ban=ban, protected_person=victim, defaults=fields, create_defaults=created
    )
    return notice


def test_letters_of_an_ended_ban_lose_pdf_and_snapshot_after_their_term(users, bound_person, victim):
    ended = _letter(_ban(users, bound_person, victim, LONG_AGO), victim, LONG_AGO.date())
    live = _letter(_ban(users, bound_person, victim, NOW + timedelta(days=30)), victim, LONG_AGO.date())
    assert purge_expired(NOW)["letters"] == 1
    ended.refresh_from_db()
    live.refresh_from_db()
    assert (ended.pdf, ended.snapshot, ended.sent_on) == (None, {}, LONG_AGO.date())
    assert bytes(live.pdf) == b"%PDF-fictief"


def test_handover_notes_are_deleted_after_their_term(users, settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "handover_notes": 365}
    HandoverNote.objects.create(author=users["carol"], text="Oud", written_at=NOW - timedelta(days=366))
    recent = HandoverNote.objects.create(author=users["carol"], text="Recent", written_at=NOW - timedelta(days=364))
    assert purge_expired(NOW)["handover_notes"] == 1
    assert list(HandoverNote.objects.values_list("pk", flat=True)) == [recent.pk]
