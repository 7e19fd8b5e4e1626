"""A new letter for every change that matters to the victim; none for changes that don't."""

from datetime import date, datetime

import pytest
import time_machine
from letters_support import AMS, pdf_text

from registry.letters import services
from registry.letters.models import Channel, NoticeStatus, VictimNotice
from registry.models import Ban, BanStatus


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 3, 4, 10, 0, tzinfo=AMS), tick=False):
        yield


@pytest.fixture
def sent_letter(make_ban, victim, users):
    ban = make_ban(victims=[victim])
    (notice,) = services.generate_for_ban(ban, users["alice"])
    return services.mark_sent(notice, users["alice"], date(2026, 3, 4), Channel.POST)


def notices(ban) -> list[tuple[str, int]]:
    return list(VictimNotice.objects.filter(ban=ban).order_by("id").values_list("status", "protected_person_id"))


def test_new_ban_makes_one_letter_due_per_protected_person(make_ban, victim, second_victim):
    ban = make_ban(victims=[victim, second_victim])
    assert sorted(notices(ban)) == [("due", victim.pk), ("due", second_victim.pk)]


def test_zone_change_supersedes_sent_letter_and_makes_new_one_due(sent_letter):
    ban = sent_letter.ban
    ban.radius_m = 7500
    ban.save()

    old = VictimNotice.objects.get(pk=sent_letter.pk)
    new = VictimNotice.objects.get(ban=ban, status=NoticeStatus.DUE)
    assert old.status == NoticeStatus.SUPERSEDED
    assert old.superseded_by == new
    assert new.snapshot["radius_m"] == 7500


def test_new_letter_says_which_letter_it_replaces(sent_letter, users):
    ban = sent_letter.ban
    ban.valid_until = datetime(2026, 12, 1, tzinfo=AMS)
    ban.save()
    (new,) = services.generate_for_ban(ban, users["alice"])
    text = pdf_text(new.pdf)
    assert "Deze brief vervangt onze brief van 4 maart 2026" in text
    assert "Geldig tot: 1 december 2026, 00:00" in text


def test_saving_an_unchanged_ban_keeps_the_letter_current(sent_letter):
    ban = Ban.objects.get(pk=sent_letter.ban_id)  # re-read: datetimes come back in UTC
    ban.save()
    assert notices(ban) == [("sent", sent_letter.protected_person_id)]


def test_change_that_the_letter_does_not_state_keeps_it_current(sent_letter):
    ban = sent_letter.ban
    ban.contact_modes = ["online"]  # an area ban's letter says nothing about contact modes
    ban.save()
    assert notices(ban) == [("sent", sent_letter.protected_person_id)]


def test_decision_change_to_dut_makes_a_new_letter_due(sent_letter):
    decision = sent_letter.ban.decision
    decision.dut = True
    decision.save()
    assert [s for s, _ in notices(sent_letter.ban)] == ["superseded", "due"]


@pytest.mark.parametrize("status", [BanStatus.REVOKED, BanStatus.SUSPENDED])
def test_revoked_or_suspended_ban_is_told_to_victims_who_had_a_letter(sent_letter, users, status):
    ban = sent_letter.ban
    ban.status = status
    ban.save()
    (new,) = services.generate_for_ban(ban, users["alice"])
    text = pdf_text(new.pdf)
    assert ("is ingetrokken" if status == BanStatus.REVOKED else "is geschorst") in text
    assert "Wat is verboden" not in text


def test_reinstated_ban_gets_a_new_letter(sent_letter, users):
    ban = sent_letter.ban
    ban.status = BanStatus.SUSPENDED
    ban.save()
    (suspension,) = services.generate_for_ban(ban, users["alice"])
    services.mark_sent(suspension, users["alice"], date(2026, 3, 4), Channel.EMAIL)
    ban.status = BanStatus.ACTIVE
    ban.save()
    assert [s for s, _ in notices(ban)] == ["superseded", "superseded", "due"]


def test_revoking_a_ban_nobody_was_told_about_drops_the_due_letter(make_ban, victim):
    ban = make_ban(victims=[victim])
    ban.status = BanStatus.REVOKED
    ban.save()
    assert notices(ban) == []


def test_bulk_update_without_signals_is_caught_by_reconcile(sent_letter):
    Ban.objects.filter(pk=sent_letter.ban_id).update(centre_lat=52.2)
    assert VictimNotice.objects.reconcile() == 1
    assert [s for s, _ in notices(sent_letter.ban)] == ["superseded", "due"]
    assert VictimNotice.objects.reconcile() == 0


def test_stale_generated_letter_cannot_be_marked_sent(make_ban, victim, users):
    ban = make_ban(victims=[victim])
    (notice,) = services.generate_for_ban(ban, users["alice"])
    Ban.objects.filter(pk=ban.pk).update(radius_m=1000)

    with pytest.raises(services.NoticeStateError):
        services.mark_sent(notice, users["alice"], date(2026, 3, 4), Channel.POST)
    assert VictimNotice.objects.get(pk=notice.pk).status == NoticeStatus.SUPERSEDED


def test_unsent_letter_replaced_after_change_keeps_its_due_date(make_ban, victim, users):
    ban = make_ban(victims=[victim])
    (notice,) = services.generate_for_ban(ban, users["alice"])
    with time_machine.travel(datetime(2026, 3, 6, 9, 0, tzinfo=AMS), tick=False):
        ban.radius_m = 3000
        ban.save()
    new = VictimNotice.objects.get(ban=ban, status=NoticeStatus.DUE)
    assert new.due_since == notice.due_since


def test_protected_person_taken_off_the_ban_needs_no_letter(make_ban, victim, second_victim):
    ban = make_ban(victims=[victim, second_victim])
    ban.protected_persons.remove(second_victim)
    assert notices(ban) == [("due", victim.pk)]


def test_sent_letter_is_immutable(sent_letter, users):
    with pytest.raises(services.NoticeStateError):
        services.generate_notice(sent_letter.pk, users["alice"])
