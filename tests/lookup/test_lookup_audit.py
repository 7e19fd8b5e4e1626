"""Every lookup is in the append-only audit log; supervisors list it by officer and by person."""

import pytest
from django.core.exceptions import PermissionDenied

from registry.models import AuditEntry

URL = "/api/v1/lookup"


def test_lookup_matching_nothing_is_audited(client_for, users):
    client_for("bob").get(URL, {"q": "Zzyzxwvut", "dob": "1990-01-01"})
    entry = AuditEntry.objects.get(action="lookup")
    assert entry.actor == users["bob"]
    assert entry.person_ids == []
    assert entry.details["query"] == "Zzyzxwvut"
    assert entry.details["dob"] == "1990-01-01"
    assert entry.at is not None


def test_lookup_records_the_persons_shown(client_for, registry):
    first = registry.person("Dirkje", "Vlietstra")
    second = registry.person("Doortje", "Vlietstra")
    client_for("bob").get(URL, {"q": "Vlietstra"})
    assert sorted(AuditEntry.objects.get(action="lookup").person_ids) == sorted([first.pk, second.pk])


def test_identifier_lookup_is_audited_with_its_kind(client_for, users):
    client_for("bob").get(URL, {"id": "111222333"})
    details = AuditEntry.objects.get(action="lookup").details
    assert details["kind"] == "identifier" and details["identifier_kind"] == "bsn"


def test_refused_lookup_writes_no_entry_but_each_answered_one_does(client_for, users):
    client_for("dave").get(URL, {"q": "Vries"})
    client_for("bob").get(URL, {"q": "Vries"})
    client_for("bob").get(URL, {"q": "Vries"})
    assert AuditEntry.objects.filter(action="lookup").count() == 2


def test_audit_entries_cannot_be_changed_or_deleted(client_for, users):
    client_for("bob").get(URL, {"q": "Vries"})
    entry = AuditEntry.objects.get()
    entry.details = {}
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.update(details={})


def test_admin_offers_no_add_change_or_delete(rf, users):
    from django.contrib import admin

    model_admin = admin.site._registry[AuditEntry]
    request = rf.get("/")
    request.user = users["erin"]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_supervisor_lists_by_officer(client_for, users):
    client_for("bob").get(URL, {"q": "Vries"})
    client_for("carol").get(URL, {"q": "Jansen"})
    rows = client_for("erin").get("/api/v1/audit", {"officer": "bob"}).json()["results"]
    assert [r["details"]["query"] for r in rows] == ["Vries"]
    by_id = client_for("erin").get("/api/v1/audit", {"officer": str(users["carol"].pk)}).json()["results"]
    assert [r["details"]["query"] for r in by_id] == ["Jansen"]


def test_supervisor_lists_by_person(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra")
    other = registry.person("Dirkje", "Hoogeveen")
    client_for("bob").get(URL, {"q": "Vlietstra"})
    client_for("bob").get(URL, {"q": "Hoogeveen"})
    rows = client_for("erin").get("/api/v1/audit", {"person": person.pk}).json()["results"]
    assert [r["person_ids"] for r in rows] == [[person.pk]]
    assert other.pk not in rows[0]["person_ids"]


def test_person_filter_does_not_match_on_digits_of_other_ids(client_for, registry):
    people = [registry.person("Dirkje", f"Vlietstra{c}") for c in "abcdefghijkl"]
    client_for("bob").get(URL, {"id": "000000000"})
    AuditEntry.record(None, "lookup", person_ids=[people[-1].pk * 10 + 1])
    rows = client_for("erin").get("/api/v1/audit", {"person": people[-1].pk}).json()["results"]
    assert rows == []


@pytest.mark.parametrize("name", ["bob", "alice", "carol", "dave", "frank"])
def test_only_supervisors_list_the_audit_log(client_for, users, name):
    assert client_for(name).get("/api/v1/audit").status_code == 403


def test_anonymous_audit_list_is_401(client_for, users):
    assert client_for(None).get("/api/v1/audit").status_code == 401
