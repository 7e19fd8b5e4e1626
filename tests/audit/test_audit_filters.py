"""Reads of a victim's data are found by the protected person's id, never by a bound person's equal id."""

from registry.models import AuditEntry


def test_protected_persons_read_records_victims_and_bound_person_apart(client_for, ban, victim, bound_person):
    response = client_for("alice").get(f"/api/v1/lookup/bans/{ban.pk}/protected-persons")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="lookup.protected_persons")
    assert entry.person_ids == [bound_person.pk]
    assert entry.protected_person_ids == [victim.pk]


def test_audit_filter_by_protected_person_finds_reads_of_that_victim(client_for, ban, victim):
    client_for("alice").get(f"/api/v1/lookup/bans/{ban.pk}/protected-persons")
    response = client_for("erin").get(f"/api/v1/audit?protected_person={victim.pk}")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["action"] for r in rows] == ["lookup.protected_persons"]
    assert rows[0]["protected_person_ids"] == [victim.pk]


def test_protected_person_filter_skips_a_bound_person_with_the_same_id(client_for, users, ban, victim):
    client_for("erin").get(f"/api/v1/lookup/bans/{ban.pk}/protected-persons")
    # An unrelated bound person looked up, whose id happens to equal the victim's id.
    AuditEntry.record(users["bob"], "lookup", person_ids=[victim.pk], query="ander")
    by_victim = client_for("erin").get(f"/api/v1/audit?protected_person={victim.pk}").json()["results"]
    assert [r["action"] for r in by_victim] == ["lookup.protected_persons"]


def test_protected_person_filter_rejects_a_non_number(client_for, users):
    response = client_for("erin").get("/api/v1/audit?protected_person=abc")
    assert response.status_code == 400
    assert "protected_person" in response.json()
