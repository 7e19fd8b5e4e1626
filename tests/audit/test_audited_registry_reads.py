"""Victims' details in bulk are for registrars and supervisors only, and every read is audited."""

import pytest

from registry.models import AuditEntry


@pytest.mark.parametrize("name", ["bob", "carol", "dave", "frank"])
def test_other_roles_get_403_on_the_protected_persons_list(client_for, victim, name):
    assert client_for(name).get("/api/v1/protected-persons/").status_code == 403
    assert client_for(name).get(f"/api/v1/protected-persons/{victim.pk}/").status_code == 403


def test_operator_listing_victims_gets_403_and_writes_no_entry(client_for, victim):
    client_for("carol").get("/api/v1/protected-persons/")
    assert not AuditEntry.objects.filter(action__startswith="registry.").exists()


@pytest.mark.parametrize("name", ["alice", "erin"])
def test_protected_persons_list_read_is_audited_with_the_ids_shown(client_for, users, victim, name):
    response = client_for(name).get("/api/v1/protected-persons/")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="registry.protectedperson.list")
    assert entry.actor == users[name]
    assert entry.protected_person_ids == [victim.pk]
    assert entry.person_ids == []


def test_protected_person_detail_and_history_reads_are_audited(client_for, victim):
    client_for("erin").get(f"/api/v1/protected-persons/{victim.pk}/")
    client_for("erin").get(f"/api/v1/protected-persons/{victim.pk}/history/")
    entries = AuditEntry.objects.filter(protected_person_ids__isnull=False).order_by("id")
    by_action = {e.action: e.protected_person_ids for e in entries}
    assert by_action["registry.protectedperson.retrieve"] == [victim.pk]
    assert by_action["registry.protectedperson.history"] == [victim.pk]


def test_audit_filter_finds_the_list_read_of_a_victim(client_for, victim):
    client_for("alice").get("/api/v1/protected-persons/")
    rows = client_for("erin").get(f"/api/v1/audit?protected_person={victim.pk}").json()["results"]
    assert [r["action"] for r in rows] == ["registry.protectedperson.list"]


def test_persons_list_and_detail_reads_are_audited_with_person_ids(client_for, bound_person):
    client_for("alice").get("/api/v1/persons/")
    client_for("erin").get(f"/api/v1/persons/{bound_person.pk}/")
    listed = AuditEntry.objects.get(action="registry.person.list")
    shown = AuditEntry.objects.get(action="registry.person.retrieve")
    assert listed.person_ids == [bound_person.pk] and listed.protected_person_ids == []
    assert shown.person_ids == [bound_person.pk]


def test_a_filtered_list_records_the_filter_and_only_the_rows_shown(client_for, bound_person):
    client_for("alice").get("/api/v1/persons/?surname=Niemand")
    entry = AuditEntry.objects.get(action="registry.person.list")
    assert entry.person_ids == []
    assert entry.details["query"] == {"surname": "Niemand"}
