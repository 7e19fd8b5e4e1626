"""Letters not sent within VICTIM_NOTICE_DUE_DAYS of falling due are overdue."""

from datetime import date, datetime, timedelta

import time_machine
from letters_support import AMS

from registry.letters import services
from registry.letters.models import Channel, VictimNotice
from registry.models import Ban, BanStatus

CREATED = datetime(2026, 3, 4, 10, 0, tzinfo=AMS)


def overdue_ids(client) -> list[int]:
    response = client.get("/api/v1/letters/overdue")
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_letter_is_overdue_after_three_days_not_before(make_ban, victim, client_for):
    with time_machine.travel(CREATED, tick=False):
        ban = make_ban(victims=[victim])
    (notice,) = VictimNotice.objects.filter(ban=ban)

    with time_machine.travel(CREATED + timedelta(days=3) - timedelta(seconds=1), tick=False):
        assert overdue_ids(client_for("alice")) == []
    with time_machine.travel(CREATED + timedelta(days=3), tick=False):
        assert overdue_ids(client_for("alice")) == [notice.pk]


def test_due_days_come_from_settings(make_ban, victim, client_for, settings):
    settings.VICTIM_NOTICE_DUE_DAYS = 10
    with time_machine.travel(CREATED, tick=False):
        make_ban(victims=[victim])
    with time_machine.travel(CREATED + timedelta(days=9), tick=False):
        assert overdue_ids(client_for("carol")) == []
    with time_machine.travel(CREATED + timedelta(days=10), tick=False):
        assert len(overdue_ids(client_for("carol"))) == 1


def test_generated_but_unsent_letter_stays_overdue(make_ban, victim, users, client_for):
    with time_machine.travel(CREATED, tick=False):
        ban = make_ban(victims=[victim])
        (notice,) = services.generate_for_ban(ban, users["alice"])
    with time_machine.travel(CREATED + timedelta(days=5), tick=False):
        assert overdue_ids(client_for("erin")) == [notice.pk]


def test_sent_letter_is_not_overdue(make_ban, victim, users, client_for):
    with time_machine.travel(CREATED, tick=False):
        ban = make_ban(victims=[victim])
        (notice,) = services.generate_for_ban(ban, users["alice"])
        services.mark_sent(notice, users["alice"], date(2026, 3, 4), Channel.POST)
    with time_machine.travel(CREATED + timedelta(days=30), tick=False):
        assert overdue_ids(client_for("alice")) == []


def test_change_restarts_the_clock_for_the_new_letter(make_ban, victim, users, client_for):
    with time_machine.travel(CREATED, tick=False):
        ban = make_ban(victims=[victim])
        (notice,) = services.generate_for_ban(ban, users["alice"])
        services.mark_sent(notice, users["alice"], date(2026, 3, 4), Channel.POST)
    changed = CREATED + timedelta(days=20)
    with time_machine.travel(changed, tick=False):
        ban.radius_m = 8000
        ban.save()
    with time_machine.travel(changed + timedelta(days=2), tick=False):
        assert overdue_ids(client_for("alice")) == []
    with time_machine.travel(changed + timedelta(days=4), tick=False):
        (new,) = overdue_ids(client_for("alice"))
    assert VictimNotice.objects.get(pk=new).snapshot["radius_m"] == 8000


def test_expired_ban_leaves_the_overdue_list(make_ban, victim, client_for):
    with time_machine.travel(CREATED, tick=False):
        make_ban(victims=[victim], valid_until=CREATED + timedelta(days=5))
    with time_machine.travel(CREATED + timedelta(days=4), tick=False):
        assert len(overdue_ids(client_for("alice"))) == 1
    with time_machine.travel(CREATED + timedelta(days=6), tick=False):
        assert overdue_ids(client_for("alice")) == []


def test_pending_ban_needs_no_letter_yet(make_ban, victim, client_for):
    with time_machine.travel(CREATED, tick=False):
        ban = make_ban(victims=[victim], status=BanStatus.PENDING)
    with time_machine.travel(CREATED + timedelta(days=10), tick=False):
        assert overdue_ids(client_for("alice")) == []
        ban.status = BanStatus.ACTIVE
        ban.save()
    with time_machine.travel(CREATED + timedelta(days=14), tick=False):
        assert len(overdue_ids(client_for("alice"))) == 1


def test_overdue_rows_say_how_long_the_victim_has_waited(make_ban, victim, client_for):
    with time_machine.travel(CREATED, tick=False):
        make_ban(victims=[victim])
    with time_machine.travel(CREATED + timedelta(days=5, hours=2), tick=False):
        (row,) = client_for("alice").get("/api/v1/letters/overdue").json()["results"]
    assert (row["days_waiting"], row["status"], row["protected_person_name"]) == (5, "due", "Anouk Verhoeven")


def test_change_made_without_signals_starts_the_clock_when_first_seen(make_ban, victim, users, client_for):
    with time_machine.travel(CREATED, tick=False):
        ban = make_ban(victims=[victim])
        (notice,) = services.generate_for_ban(ban, users["alice"])
        services.mark_sent(notice, users["alice"], date(2026, 3, 4), Channel.POST)
    seen = CREATED + timedelta(days=20)
    Ban.objects.filter(pk=ban.pk).update(radius_m=8000)  # bypasses signals
    with time_machine.travel(seen, tick=False):
        assert overdue_ids(client_for("alice")) == []  # reading the list catches the change up
    with time_machine.travel(seen + timedelta(days=3), tick=False):
        (new,) = overdue_ids(client_for("alice"))
    assert VictimNotice.objects.get(pk=new).snapshot["radius_m"] == 8000
