"""Invented persons and bans for the lookup tests, and a clean throttle for each test."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from registry.lookup import vocabulary
from registry.models import (
    Authority,
    Ban,
    BanKind,
    Decision,
    LegalBasis,
    Person,
    PersonAlias,
    ProtectedPerson,
    ZoneShape,
)

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=AMS)


@pytest.fixture(autouse=True)
def _fresh_vocabulary():
    # The name vocabulary is per process; rows of an earlier test are rolled back, so start afresh.
    vocabulary.forget()
    yield
    vocabulary.forget()


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # The throttle counts in the cache; one test's lookups must not throttle the next.
    cache.clear()
    yield
    cache.clear()


class Registry:
    """Create invented registry rows with short calls."""

    def __init__(self):
        self.references = 0

    def person(self, given: str, surname: str, tussenvoegsel: str = "", dob: date | None = None, **fields) -> Person:
        return Person.objects.create(
            given_names=given, tussenvoegsel=tussenvoegsel, surname=surname, date_of_birth=dob, **fields
        )

    def alias(self, person: Person, name: str) -> PersonAlias:
        return PersonAlias.objects.create(person=person, name=name)

    def decision(self, person: Person, basis: str = LegalBasis.GEDRAGSAANWIJZING, **fields) -> Decision:
        self.references += 1
        fields.setdefault("authority", Authority.OM)
        return Decision.objects.create(
            person=person,
            legal_basis=basis,
            reference=f"TEST-{self.references:05d}",
            decision_date=date(2026, 1, 1),
            **fields,
        )

    def ban(self, person: Person, kind: str = BanKind.CONTACT, decision: Decision | None = None, **fields) -> Ban:
        fields.setdefault("valid_from", NOW - timedelta(days=30))
        fields.setdefault("valid_until", NOW + timedelta(days=365))
        if kind == BanKind.AREA:
            fields.setdefault("zone_shape", ZoneShape.CIRCLE)
            fields.setdefault("centre_lat", 51.9244)
            fields.setdefault("centre_lon", 4.4777)
        return Ban.objects.create(person=person, kind=kind, decision=decision or self.decision(person), **fields)

    def victim(self, **fields) -> ProtectedPerson:
        defaults = {
            "given_names": "Roosmarijn",
            "surname": "Zwaluwstaart",
            "phone": "06-99999999",
            "email": "r.zwaluwstaart@voorbeeld.invalid",
            "street": "Denkbeeldlaan 17",
            "postcode": "9999 ZZ",
            "city": "Verzinsel",
            "home_lat": 51.9244,
            "home_lon": 4.4777,
        }
        return ProtectedPerson.objects.create(**{**defaults, **fields})


@pytest.fixture
def registry(db) -> Registry:
    return Registry()
