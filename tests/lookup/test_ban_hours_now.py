"""A ban with weekly hours binds only inside them: the red banner only for what applies now.

The ban below holds on Friday and Saturday nights, 20:00 to 07:00 the next
morning, Amsterdam time. 2026-10-23 is a Friday; DST ends on Sunday 2026-10-25
at 03:00 CEST, so the Saturday night straddles the change.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from registry.lookup.windows import BanWindow
from registry.models import BanKind

AMS = ZoneInfo("Europe/Amsterdam")
URL = "/api/v1/lookup"
PAGE = "/politie/"
FRI_SAT_NIGHTS = [{"days": [4, 5], "start": "20:00", "end": "07:00"}]


@pytest.fixture
def night_ban(registry):
    person = registry.person("Dirkje", "Vlietstra")
    with time_machine.travel(datetime(2026, 10, 1, tzinfo=AMS)):
        ban = registry.ban(
            person,
            BanKind.AREA,
            valid_from=datetime(2026, 9, 1, tzinfo=AMS),
            valid_until=datetime(2027, 9, 1, tzinfo=AMS),
            time_windows=FRI_SAT_NIGHTS,
        )
    return ban


def api_at(client_for, moment: datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        response = client_for("bob").get(URL, {"q": "Vlietstra"})
    assert response.status_code == 200
    return response.json()


def page_at(client, moment: datetime) -> str:
    with time_machine.travel(moment, tick=False):
        posted = client.post(PAGE, {"q": "Vlietstra"})
        assert posted.status_code == 302
        response = client.get(posted["Location"])
    assert response.status_code == 200
    return response.content.decode()


def test_wednesday_night_ban_is_in_force_but_not_active(client_for, night_ban):
    body = api_at(client_for, datetime(2026, 10, 21, 22, 30, tzinfo=AMS))
    ban = body["results"][0]["bans"][0]
    assert body["ban_in_force"] is False
    assert body["results"][0]["ban_in_force"] is False
    assert ban["window"] == BanWindow.IN_FORCE_IDLE
    assert ban["active_now"] is False
    assert ban["period"]["current"] is False
    assert ban["period"]["text"] == "vr 20:00–za 07:00"
    assert ban["period"]["start"] == "2026-10-23T20:00:00+02:00"
    assert "NU VAN KRACHT" not in ban["window_label"]


def test_friday_night_ban_is_active_now(client_for, night_ban):
    body = api_at(client_for, datetime(2026, 10, 23, 23, 15, tzinfo=AMS))
    ban = body["results"][0]["bans"][0]
    assert body["ban_in_force"] is True
    assert ban["window"] == BanWindow.IN_FORCE
    assert ban["active_now"] is True
    assert ban["period"] == {
        "current": True,
        "start": "2026-10-23T20:00:00+02:00",
        "end": "2026-10-24T07:00:00+02:00",
        "text": "vr 20:00–za 07:00",
    }


def test_saturday_morning_after_seven_is_not_active(client_for, night_ban):
    ban = api_at(client_for, datetime(2026, 10, 24, 7, 0, tzinfo=AMS))["results"][0]["bans"][0]
    assert ban["active_now"] is False
    assert ban["period"]["text"] == "za 20:00–zo 07:00"


def test_night_across_the_dst_change_holds_until_seven_wintertime(client_for, night_ban):
    # 06:30 CET on Sunday 25 October is 05:30 UTC: still inside the Saturday night window.
    body = api_at(client_for, datetime(2026, 10, 25, 6, 30, tzinfo=AMS))
    ban = body["results"][0]["bans"][0]
    assert ban["active_now"] is True
    assert ban["period"]["start"] == "2026-10-24T20:00:00+02:00"
    assert ban["period"]["end"] == "2026-10-25T07:00:00+01:00"


def test_after_the_dst_change_seven_oclock_local_ends_the_night(client_for, night_ban):
    ban = api_at(client_for, datetime(2026, 10, 25, 7, 1, tzinfo=AMS))["results"][0]["bans"][0]
    assert ban["active_now"] is False
    assert ban["period"]["start"] == "2026-10-30T20:00:00+01:00"


def test_spring_dst_change_friday_night_is_active_at_local_times(client_for, night_ban):
    # 2027-03-28 is a Sunday: clocks go 02:00 CET -> 03:00 CEST inside the Saturday night window.
    assert api_at(client_for, datetime(2027, 3, 28, 6, 59, tzinfo=AMS))["ban_in_force"] is True
    assert api_at(client_for, datetime(2027, 3, 28, 7, 0, tzinfo=AMS))["ban_in_force"] is False


def test_page_on_a_wednesday_lists_the_ban_with_its_hours_but_no_red_banner(client, users, night_ban):
    client.force_login(users["bob"])
    html = page_at(client, datetime(2026, 10, 21, 22, 30, tzinfo=AMS))
    assert "banner-danger" not in html
    assert "NU VAN KRACHT" not in html
    assert "Van kracht, maar nu buiten de tijden (geldt nu niet)" in html
    assert "Volgende periode: vr 20:00–za 07:00" in html
    assert "20:00 tot 07:00" in html


def test_page_on_a_friday_night_shows_the_red_banner(client, users, night_ban):
    client.force_login(users["bob"])
    html = page_at(client, datetime(2026, 10, 23, 23, 15, tzinfo=AMS))
    assert 'class="banner banner-danger"' in html
    assert "NU VAN KRACHT" in html
    assert "Geldt nu: vr 20:00–za 07:00" in html


def test_ban_without_hours_is_active_now_with_no_period(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra")
    with time_machine.travel(datetime(2026, 10, 1, tzinfo=AMS)):
        registry.ban(person, valid_from=datetime(2026, 9, 1, tzinfo=AMS), valid_until=None)
    ban = api_at(client_for, datetime(2026, 10, 21, 22, 30, tzinfo=AMS))["results"][0]["bans"][0]
    assert ban["active_now"] is True
    assert ban["period"] is None


def test_next_period_after_the_ban_ends_is_not_offered(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra")
    with time_machine.travel(datetime(2026, 10, 1, tzinfo=AMS)):
        registry.ban(
            person,
            valid_from=datetime(2026, 9, 1, tzinfo=AMS),
            valid_until=datetime(2026, 10, 22, tzinfo=AMS),
            time_windows=FRI_SAT_NIGHTS,
        )
    ban = api_at(client_for, datetime(2026, 10, 21, 22, 30, tzinfo=AMS))["results"][0]["bans"][0]
    assert ban["window"] == BanWindow.IN_FORCE_IDLE
    assert ban["period"] is None
