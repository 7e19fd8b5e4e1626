"""Registry fixtures, made through the services so they carry history like real data."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from registry import services
from registry.models import Authority, BanKind, LegalBasis

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def person(users):
    return services.create_person(
        user=users["alice"],
        given_names="Pieter",
        tussenvoegsel="van",
        surname="Proefpersoon",
        date_of_birth=date(1985, 4, 1),
        strafrechtketennummer="SKN-TEST-1",
        aliases=["Piet Proef"],
    )


@pytest.fixture
def protected(users):
    return services.create_protected_person(
        user=users["alice"], given_names="Wilma", surname="Beschermd", city="Utrecht", home_lat=52.09, home_lon=5.12
    )


@pytest.fixture
def decision(users, person):
    return services.create_decision(
        user=users["alice"],
        person=person,
        # A basis without a fixed term, so the fixtures' dates stand apart from the term rules.
        authority=Authority.COURT,
        legal_basis=LegalBasis.SCHORSING_VOORLOPIGE_HECHTENIS,
        reference="TEST/0001",
        decision_date=date(2026, 3, 1),
        dut=True,
    )


@pytest.fixture
def area_ban(users, decision):
    return services.create_ban(
        user=users["alice"],
        decision=decision,
        person=decision.person,
        kind=BanKind.AREA,
        valid_from=datetime(2026, 3, 2, tzinfo=AMS),
        valid_until=datetime(2027, 3, 2, tzinfo=AMS),
        centre_lat=52.0907,
        centre_lon=5.1214,
    )


@pytest.fixture
def contact_ban(users, decision, protected):
    return services.create_ban(
        user=users["alice"],
        decision=decision,
        person=decision.person,
        kind=BanKind.CONTACT,
        valid_from=datetime(2026, 3, 2, tzinfo=AMS),
        protected_persons=[protected],
    )


@pytest.fixture
def ban_body(decision):
    """Return a builder of a valid area ban's API body; a value of ... leaves its field out."""

    def build(**changes):
        body = {
            "decision": decision.pk,
            "person": decision.person_id,
            "kind": "area",
            "valid_from": "2026-04-01T00:00:00",
            "centre_lat": 52.09,
            "centre_lon": 5.12,
        }
        body.update(changes)
        return {k: v for k, v in body.items() if v is not ...}

    return build
