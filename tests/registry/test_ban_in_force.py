"""Ban.objects.in_force: the one query that says which bans bind a person at a time."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from registry.models import Authority, Ban, BanKind, BanStatus, Decision, LegalBasis, Person

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def ban(db):
    person = Person.objects.create(given_names="Testje", surname="Voorbeeld", date_of_birth=date(1990, 1, 1))
    decision = Decision.objects.create(
        person=person,
        authority=Authority.OM,
        legal_basis=LegalBasis.GEDRAGSAANWIJZING,
        reference="TEST-0001",
        decision_date=date(2026, 3, 1),
    )
    return Ban.objects.create(
        decision=decision,
        person=person,
        kind=BanKind.AREA,
        valid_from=datetime(2026, 3, 29, 0, 0, tzinfo=AMS),  # the night clocks go forward
        valid_until=datetime(2026, 10, 25, 0, 0, tzinfo=AMS),  # the day clocks go back
        centre_lat=52.0,
        centre_lon=5.0,
    )


def in_force_at(local: datetime) -> bool:
    return Ban.objects.in_force(at=local).exists()


def test_not_in_force_one_second_before_start(ban):
    assert not in_force_at(datetime(2026, 3, 28, 23, 59, 59, tzinfo=AMS))


def test_in_force_at_start(ban):
    assert in_force_at(datetime(2026, 3, 29, 0, 0, tzinfo=AMS))


def test_in_force_one_second_before_end(ban):
    assert in_force_at(datetime(2026, 10, 24, 23, 59, 59, tzinfo=AMS))


def test_not_in_force_at_end(ban):
    assert not in_force_at(datetime(2026, 10, 25, 0, 0, tzinfo=AMS))


def test_local_midnight_start_is_2300_utc_in_winter_and_2200_in_summer(ban):
    utc = ZoneInfo("UTC")
    assert not in_force_at(datetime(2026, 3, 28, 22, 59, tzinfo=utc))
    assert in_force_at(datetime(2026, 3, 28, 23, 0, tzinfo=utc))
    assert in_force_at(datetime(2026, 10, 24, 21, 59, tzinfo=utc))
    assert not in_force_at(datetime(2026, 10, 24, 22, 0, tzinfo=utc))


@pytest.mark.parametrize("status", [BanStatus.PENDING, BanStatus.SUSPENDED, BanStatus.ENDED, BanStatus.REVOKED])
def test_only_active_status_is_in_force(ban, status):
    Ban.objects.filter(pk=ban.pk).update(status=status)
    assert not in_force_at(datetime(2026, 6, 1, 12, 0, tzinfo=AMS))


def test_open_ended_ban_stays_in_force(ban):
    Ban.objects.filter(pk=ban.pk).update(valid_until=None)
    assert in_force_at(datetime(2040, 1, 1, tzinfo=AMS))


def test_model_and_query_agree(ban):
    for month in range(1, 13):
        at = datetime(2026, month, 15, 12, tzinfo=AMS)
        assert ban.is_in_force(at) == in_force_at(at)
