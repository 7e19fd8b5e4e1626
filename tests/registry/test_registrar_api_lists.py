"""Registrar lists: filters by person, kind, status, authority, legal basis and in force at a local date."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from registry import services
from registry.models import BanKind

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def night_of_dst(users, decision):
    """A ban that starts when the clocks go forward (29 March 2026, 00:00 local = 23:00 UTC the day before)."""
    return services.create_ban(
        user=users["alice"],
        decision=decision,
        person=decision.person,
        kind=BanKind.AREA,
        valid_from=datetime(2026, 3, 29, tzinfo=AMS),
        centre_lat=52.0,
        centre_lon=5.0,
    )


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_in_force_at_date_means_local_midnight(client_for, night_of_dst):
    client = client_for("alice")
    assert night_of_dst.pk in ids(client.get("/api/v1/bans/", {"in_force_at": "2026-03-29"}))
    assert night_of_dst.pk not in ids(client.get("/api/v1/bans/", {"in_force_at": "2026-03-28"}))
    assert night_of_dst.pk not in ids(client.get("/api/v1/bans/", {"in_force_at": "2026-03-28T23:59"}))
    assert night_of_dst.pk in ids(client.get("/api/v1/bans/", {"in_force_at": "2026-03-28T23:00:00Z"}))
    assert night_of_dst.pk not in ids(client.get("/api/v1/bans/", {"in_force_at": "2026-03-28T22:59:00+00:00"}))


def test_suspended_ban_is_not_in_force(client_for, area_ban, users):
    services.suspend_ban(area_ban.pk, user=users["alice"], reason="geschorst")
    assert area_ban.pk not in ids(client_for("erin").get("/api/v1/bans/", {"in_force_at": "2026-06-01"}))


@pytest.mark.parametrize(
    ("params", "expect_area", "expect_contact"),
    [
        ({"kind": "area"}, True, False),
        ({"kind": "contact"}, False, True),
        ({"status": "active"}, True, True),
        ({"status": "revoked"}, False, False),
        ({"authority": "court"}, True, True),
        ({"authority": "om"}, False, False),
        ({"legal_basis": "schorsing_voorlopige_hechtenis"}, True, True),
        ({"legal_basis": "civiel_verbod"}, False, False),
    ],
)
def test_ban_filters(client_for, area_ban, contact_ban, params, expect_area, expect_contact):
    found = ids(client_for("alice").get("/api/v1/bans/", params))
    assert (area_ban.pk in found, contact_ban.pk in found) == (expect_area, expect_contact)


def test_person_filter_and_pagination(client_for, area_ban, users, settings):
    other = services.create_person(user=users["alice"], given_names="Ander", surname="Mens")
    client = client_for("alice")
    assert ids(client.get("/api/v1/bans/", {"person": other.pk})) == set()
    assert ids(client.get("/api/v1/bans/", {"person": area_ban.person_id})) == {area_ban.pk}
    body = client.get("/api/v1/persons/", {"page_size": 1}).json()
    assert body["count"] == 2 and "next" in body


def test_person_search_by_alias(client_for, person):
    assert ids(client_for("alice").get("/api/v1/persons/", {"name": "piet proef"})) == {person.pk}


def test_decision_filters(client_for, decision, area_ban):
    client = client_for("alice")
    assert ids(client.get("/api/v1/decisions/", {"kind": "area", "in_force_at": "2026-06-01"})) == {decision.pk}
    assert ids(client.get("/api/v1/decisions/", {"kind": "presence"})) == set()


def test_create_update_read_round_trip_with_history(client_for):
    client = client_for("alice")
    person = client.post(
        "/api/v1/persons/", {"given_names": "Rond", "surname": "Reis", "aliases": ["R. Reis"]}, format="json"
    ).json()
    assert person["aliases"] == ["R. Reis"]
    changed = client.patch(f"/api/v1/persons/{person['id']}/", {"surname": "Reiziger", "reason": "typfout"})
    assert changed.status_code == 200 and changed.json()["surname"] == "Reiziger"
    history = client.get(f"/api/v1/persons/{person['id']}/history/").json()["results"]
    assert [h["snapshot"]["surname"] for h in history] == ["Reis", "Reiziger"]


def test_protected_persons_are_never_shown_to_police_officers_or_operators(client_for, protected):
    assert client_for("bob").get(f"/api/v1/protected-persons/{protected.pk}/").status_code == 403
    assert client_for("carol").get(f"/api/v1/protected-persons/{protected.pk}/").status_code == 403
    assert client_for("erin").get(f"/api/v1/protected-persons/{protected.pk}/").json()["city"] == "Utrecht"
