"""Every change to a decision or ban leaves a history entry; earlier snapshots stay as they were."""

import pytest
from django.core.exceptions import ValidationError

from registry import services
from registry.models import BanStatus, HistoryEntry

A = HistoryEntry.Action


def entries(obj):
    return list(services.history_of(obj))


def test_create_records_version_1_with_who(area_ban, users):
    (entry,) = entries(area_ban)
    assert (entry.version, entry.action, entry.changed_by) == (1, A.CREATED, users["alice"])
    assert entry.snapshot["radius_m"] == 5000.0  # the default radius is stored explicitly
    assert entry.changed_at is not None


def test_update_appends_entry_and_keeps_old_snapshot(area_ban, users):
    services.update_ban(area_ban.pk, user=users["alice"], reason="straal verkleind op verzoek OvJ", radius_m=3000)
    first, second = entries(area_ban)
    assert first.snapshot["radius_m"] == 5000.0
    assert (second.version, second.action, second.snapshot["radius_m"]) == (2, A.UPDATED, 3000.0)
    assert second.reason == "straal verkleind op verzoek OvJ"
    assert second.changed_fields == ["radius_m"]
    area_ban.refresh_from_db()
    assert area_ban.version == 2


@pytest.mark.parametrize(
    ("action", "status", "history_action"),
    [
        ("suspend", BanStatus.SUSPENDED, A.SUSPENDED),
        ("revoke", BanStatus.REVOKED, A.REVOKED),
        ("end", BanStatus.ENDED, A.ENDED),
    ],
)
def test_status_actions_leave_entry_with_reason(area_ban, users, action, status, history_action):
    services.change_ban_status(area_ban.pk, action, user=users["erin"], reason=f"{action} wegens test")
    first, last = entries(area_ban)
    assert first.snapshot["status"] == BanStatus.ACTIVE
    assert (last.snapshot["status"], last.action, last.changed_by, last.reason) == (
        status,
        history_action,
        users["erin"],
        f"{action} wegens test",
    )


def test_suspend_then_reinstate_keeps_three_versions(area_ban, users):
    services.suspend_ban(area_ban.pk, user=users["alice"], reason="aanhouding")
    services.reinstate_ban(area_ban.pk, user=users["alice"], reason="weer van kracht")
    assert [e.snapshot["status"] for e in entries(area_ban)] == ["active", "suspended", "active"]
    assert [e.version for e in entries(area_ban)] == [1, 2, 3]


@pytest.mark.parametrize("reason", ["", "   "])
def test_update_without_reason_is_refused(area_ban, users, reason):
    with pytest.raises(ValidationError) as info:
        services.update_ban(area_ban.pk, user=users["alice"], reason=reason, radius_m=1000)
    assert "reason" in info.value.message_dict
    assert len(entries(area_ban)) == 1


def test_revoke_without_reason_is_refused(area_ban, users):
    with pytest.raises(ValidationError):
        services.revoke_ban(area_ban.pk, user=users["alice"], reason="")
    area_ban.refresh_from_db()
    assert area_ban.status == BanStatus.ACTIVE


def test_update_that_changes_nothing_adds_no_entry(area_ban, users):
    _ban, changed = services.update_ban(area_ban.pk, user=users["alice"], reason="geen wijziging", radius_m=5000)
    assert changed == []
    assert len(entries(area_ban)) == 1


def test_protected_persons_change_is_recorded(contact_ban, users):
    other = services.create_protected_person(user=users["alice"], given_names="Tweede", surname="Beschermde")
    services.update_ban(contact_ban.pk, user=users["alice"], reason="extra beschermde", protected_persons=[other])
    first, second = entries(contact_ban)
    assert first.snapshot["protected_persons"] != second.snapshot["protected_persons"]
    assert second.snapshot["protected_persons"] == [other.pk]


def test_decision_update_records_entry(decision, users):
    services.update_decision(decision.pk, user=users["alice"], reason="DUT vervalt", dut=False)
    first, second = entries(decision)
    assert (first.snapshot["dut"], second.snapshot["dut"]) == (True, False)


def test_revoking_a_decision_revokes_its_bans_with_history(decision, area_ban, contact_ban, users):
    services.change_decision_status(decision.pk, "revoke", user=users["alice"], reason="hoger beroep gegrond")
    for ban in (area_ban, contact_ban):
        last = entries(ban)[-1]
        assert (last.action, last.reason) == (A.REVOKED, "hoger beroep gegrond")
    assert entries(decision)[-1].action == A.REVOKED


def test_person_aliases_are_part_of_the_snapshot(person, users):
    services.update_person(person.pk, user=users["alice"], reason="alias bekend", aliases=["Piet Proef", "P. Proef"])
    first, second = entries(person)
    assert first.snapshot["aliases"] == ["Piet Proef"]
    assert second.snapshot["aliases"] == ["P. Proef", "Piet Proef"]


def test_history_entries_cannot_be_changed(area_ban):
    entry = entries(area_ban)[0]
    entry.reason = "achteraf aangepast"
    with pytest.raises(Exception, match="append-only"):
        entry.save()


def test_history_endpoint_lists_versions(area_ban, users, client_for):
    services.update_ban(area_ban.pk, user=users["alice"], reason="nieuwe straal", radius_m=2000)
    response = client_for("alice").get(f"/api/v1/bans/{area_ban.pk}/history/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["version"] for r in results] == [1, 2]
    assert results[1]["changed_by"] == "alice"
    assert results[1]["reason"] == "nieuwe straal"
    assert results[0]["snapshot"]["radius_m"] == 5000.0
