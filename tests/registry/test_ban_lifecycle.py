"""The status table in registry/lifecycle.py, checked pair by pair, and its 409 over the API."""

import pytest

from registry import services
from registry.lifecycle import TRANSITIONS, IllegalTransition
from registry.models import Ban, BanStatus

S = BanStatus
EXPECTED = {
    ("activate", S.PENDING): S.ACTIVE,
    ("suspend", S.ACTIVE): S.SUSPENDED,
    ("reinstate", S.SUSPENDED): S.ACTIVE,
    ("revoke", S.PENDING): S.REVOKED,
    ("revoke", S.ACTIVE): S.REVOKED,
    ("revoke", S.SUSPENDED): S.REVOKED,
    ("end", S.ACTIVE): S.ENDED,
    ("end", S.SUSPENDED): S.ENDED,
}
PAIRS = [(action, status) for action in TRANSITIONS for status in S.values]


@pytest.mark.parametrize(("action", "status"), PAIRS)
def test_transition_table(area_ban, users, action, status):
    Ban.objects.filter(pk=area_ban.pk).update(status=status)
    expected = EXPECTED.get((action, status))
    if expected is None:
        with pytest.raises(IllegalTransition):
            services.change_ban_status(area_ban.pk, action, user=users["alice"], reason="test")
        area_ban.refresh_from_db()
        assert area_ban.status == status
    else:
        assert services.change_ban_status(area_ban.pk, action, user=users["alice"], reason="test").status == expected


def test_illegal_action_over_api_is_409_with_message(area_ban, client_for):
    client = client_for("alice")
    assert client.post(f"/api/v1/bans/{area_ban.pk}/revoke/", {"reason": "ingetrokken"}).status_code == 200
    response = client.post(f"/api/v1/bans/{area_ban.pk}/suspend/", {"reason": "te laat"}, format="json")
    assert response.status_code == 409
    assert "ingetrokken" in response.json()["detail"]


def test_action_without_reason_is_400_on_reason(area_ban, client_for):
    response = client_for("alice").post(f"/api/v1/bans/{area_ban.pk}/suspend/", {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()


def test_revoked_ban_cannot_be_updated(area_ban, users, client_for):
    services.revoke_ban(area_ban.pk, user=users["alice"], reason="ingetrokken")
    response = client_for("alice").patch(
        f"/api/v1/bans/{area_ban.pk}/", {"radius_m": 1000, "reason": "toch wijzigen"}, format="json"
    )
    assert response.status_code == 409


def test_status_cannot_be_patched_directly(area_ban, client_for):
    response = client_for("alice").patch(
        f"/api/v1/bans/{area_ban.pk}/", {"status": "revoked", "reason": "kortere weg"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()


def test_decision_suspend_suspends_active_bans(decision, area_ban, contact_ban, client_for):
    response = client_for("alice").post(f"/api/v1/decisions/{decision.pk}/suspend/", {"reason": "schorsing"})
    assert response.status_code == 200
    assert set(decision.bans.values_list("status", flat=True)) == {BanStatus.SUSPENDED}
