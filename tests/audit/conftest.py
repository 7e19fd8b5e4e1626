"""Audit fixtures: a person and a protected person that share the same database id."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from registry import services
from registry.models import Authority, BanKind, LegalBasis, Person, ProtectedPerson


@pytest.fixture
def victim(users) -> ProtectedPerson:
    return services.create_protected_person(
        user=users["alice"], given_names="Wendelien", surname="Verzonnen", street="Nergenslaan 3", city="Fictief"
    )


@pytest.fixture
def bound_person(users) -> Person:
    return services.create_person(
        user=users["alice"], given_names="Bartel", surname="Bedacht", date_of_birth=date(1980, 2, 2)
    )


@pytest.fixture
def ban(users, bound_person, victim):
    decision = services.create_decision(
        user=users["alice"],
        person=bound_person,
        authority=Authority.OM,
        legal_basis=LegalBasis.GEDRAGSAANWIJZING,
        reference="AUDIT/0001",
        decision_date=date(2026, 1, 5),
    )
    now = timezone.now()
    return services.create_ban(
        user=users["alice"],
        decision=decision,
        person=bound_person,
        kind=BanKind.CONTACT,
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=60),
        protected_persons=[victim],
    )
