"""Bans with protected persons, for the victim letter tests (all people invented)."""

from datetime import date, datetime

import pytest
from letters_support import AMS, HOME

from geofence.monitor.models import BanRegion
from geofence.testing import REGION
from registry.models import (
    Authority,
    Ban,
    BanKind,
    ContactMode,
    Decision,
    LegalBasis,
    Person,
    ProtectedPerson,
    ZoneShape,
)


@pytest.fixture
def person(db):
    return Person.objects.create(given_names="Kees", surname="Brandsma", date_of_birth=date(1984, 5, 17))


@pytest.fixture
def victim(db):
    return ProtectedPerson.objects.create(
        given_names="Anouk",
        surname="Verhoeven",
        street="Lindelaan 14",
        postcode="3581 AB",
        city="Utrecht",
        home_lat=HOME[0],
        home_lon=HOME[1],
    )


@pytest.fixture
def second_victim(db):
    return ProtectedPerson.objects.create(
        given_names="Mirjam", tussenvoegsel="van", surname="Oosterveld", street="Beukendreef 3", city="Zeist"
    )


@pytest.fixture
def make_ban(person):
    counter = iter(range(1, 1000))

    def build(kind=BanKind.AREA, victims=(), dut=False, basis=LegalBasis.GEDRAGSAANWIJZING, **fields) -> Ban:
        decision = Decision.objects.create(
            person=person,
            authority=Authority.OM,
            legal_basis=basis,
            reference=f"PARKET-{next(counter):04d}",
            decision_date=date(2026, 3, 2),
            dut=dut,
        )
        defaults = {
            "valid_from": datetime(2026, 3, 3, 0, 0, tzinfo=AMS),
            "valid_until": datetime(2026, 6, 1, 0, 0, tzinfo=AMS),  # 90 days: a gedragsaanwijzing's first term
        }
        if kind in (BanKind.AREA, BanKind.PRESENCE):
            defaults.update(zone_shape=ZoneShape.CIRCLE, centre_lat=HOME[0], centre_lon=HOME[1], radius_m=5000)
        if kind == BanKind.CONTACT:
            defaults["contact_modes"] = [ContactMode.DIRECT, ContactMode.ONLINE]
        ban = Ban.objects.create(decision=decision, person=person, kind=kind, **(defaults | fields))
        ban.protected_persons.add(*victims)
        BanRegion.objects.create(ban=ban, region=REGION)  # the operators' region (tests/conftest.py)
        return ban

    return build
