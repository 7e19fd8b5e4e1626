"""Which bans a lookup shows: in force, starting within 14 days, ended within 30 days, clearly marked."""

from datetime import timedelta

import pytest
import time_machine

from registry.lookup.windows import BanWindow, ban_window
from registry.models import Ban, BanStatus
from tests.lookup.conftest import NOW

URL = "/api/v1/lookup"
DAY = timedelta(days=1)


@pytest.fixture
def person(registry):
    return registry.person("Dirkje", "Vlietstra")


def window_of(ban: Ban):
    ban.refresh_from_db()
    return ban_window(ban, NOW)


def test_ban_in_force_now(registry, person):
    assert window_of(registry.ban(person)) == BanWindow.IN_FORCE


def test_ban_starting_in_13_days_is_starting_soon(registry, person):
    assert window_of(registry.ban(person, valid_from=NOW + 13 * DAY)) == BanWindow.STARTING_SOON


def test_ban_starting_in_15_days_is_not_shown(registry, person):
    assert window_of(registry.ban(person, valid_from=NOW + 15 * DAY)) is None


def test_pending_ban_starting_soon_is_shown(registry, person):
    ban = registry.ban(person, valid_from=NOW + 2 * DAY, status=BanStatus.PENDING)
    assert window_of(ban) == BanWindow.STARTING_SOON


def test_ban_ended_29_days_ago_is_recently_ended(registry, person):
    ban = registry.ban(person, valid_from=NOW - 90 * DAY, valid_until=NOW - 29 * DAY)
    assert window_of(ban) == BanWindow.RECENTLY_ENDED


def test_ban_ended_31_days_ago_is_not_shown(registry, person):
    ban = registry.ban(person, valid_from=NOW - 90 * DAY, valid_until=NOW - 31 * DAY)
    assert window_of(ban) is None


def test_ban_revoked_last_week_is_recently_ended(registry, person):
    with time_machine.travel(NOW - 7 * DAY):
        ban = registry.ban(person, status=BanStatus.REVOKED)
    assert window_of(ban) == BanWindow.RECENTLY_ENDED


def test_suspended_ban_is_shown_as_suspended_not_in_force(registry, person):
    assert window_of(registry.ban(person, status=BanStatus.SUSPENDED)) == BanWindow.SUSPENDED


def test_api_lists_in_force_first_and_marks_each_window(client_for, registry, person):
    registry.ban(person, valid_from=NOW - 90 * DAY, valid_until=NOW - 3 * DAY)
    registry.ban(person, valid_from=NOW + 3 * DAY)
    registry.ban(person)
    with time_machine.travel(NOW):
        result = client_for("bob").get(URL, {"q": "Vlietstra"}).json()["results"][0]
    assert [b["window"] for b in result["bans"]] == ["in_force", "starting_soon", "recently_ended"]
    assert result["bans"][0]["window_label"] == "NU VAN KRACHT"
    assert result["ban_in_force"] is True


def test_only_ended_and_future_bans_do_not_raise_the_in_force_flag(client_for, registry, person):
    registry.ban(person, valid_from=NOW - 90 * DAY, valid_until=NOW - 3 * DAY)
    registry.ban(person, valid_from=NOW + 3 * DAY)
    with time_machine.travel(NOW):
        body = client_for("bob").get(URL, {"q": "Vlietstra"}).json()
    assert body["ban_in_force"] is False
    assert len(body["results"][0]["bans"]) == 2
