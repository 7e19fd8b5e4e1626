"""GET /api/v1/lookup: by name, by identifier, with the ban fields an officer acts on."""

from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings

from registry.models import BanKind, LegalBasis
from tests.lookup.conftest import NOW

URL = "/api/v1/lookup"


def test_name_and_dob_return_the_person_with_ban_in_force(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra", dob=date(1984, 2, 2))
    registry.ban(person, BanKind.CONTACT)
    with time_machine.travel(NOW):
        body = client_for("bob").get(URL, {"q": "Dirkje Vlietstra", "dob": "1984-02-02"}).json()
    assert body["ban_in_force"] is True
    assert body["results"][0]["person"]["id"] == person.pk
    ban = body["results"][0]["bans"][0]
    assert ban["window"] == "in_force"
    assert ban["forbids"] == "Geen contact (direct, indirect of online) met de beschermde persoon."


def test_ban_fields_carry_legal_basis_authority_validity_and_monitoring(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra")
    decision = registry.decision(person, LegalBasis.BIJZONDERE_VOORWAARDE, dut=True, electronic_monitoring=True)
    registry.ban(person, BanKind.AREA, decision, radius_m=5000, valid_until=NOW + timedelta(days=10))
    with time_machine.travel(NOW):
        ban = client_for("bob").get(URL, {"q": "Vlietstra"}).json()["results"][0]["bans"][0]
    assert ban["legal_basis"] == "bijzondere_voorwaarde"
    assert ban["legal_basis_label"] == "bijzondere voorwaarde voorwaardelijke straf (art. 14c Sr)"
    assert ban["authority_label"] == "Openbaar Ministerie"
    assert ban["dut"] is True
    assert ban["electronic_monitoring"] is True
    assert ban["device_last_contact"] is None
    assert ban["valid_until"] == (NOW + timedelta(days=10)).isoformat()
    assert ban["forbids"] == "Mag niet komen binnen 5 km van het beschermde adres (zone op kaart)."
    assert ban["enforcement"]["code"] == "report_to_om"


@pytest.mark.parametrize(
    ("language", "kind", "basis", "authority"),
    [
        ("nl", "locatieverbod", "bijzondere voorwaarde voorwaardelijke straf (art. 14c Sr)", "Openbaar Ministerie"),
        ("en", "area ban", "special condition of a suspended sentence (art. 14c Sr)", "Public Prosecution Service"),
    ],
)
def test_labels_are_in_the_language_asked_for_each_request(client_for, registry, language, kind, basis, authority):
    person = registry.person("Dirkje", "Vlietstra")
    decision = registry.decision(person, LegalBasis.BIJZONDERE_VOORWAARDE)
    registry.ban(person, BanKind.AREA, decision, radius_m=5000)
    client = client_for("bob")
    with time_machine.travel(NOW):
        # The other language first: labels built once must still follow each request's language.
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en" if language == "nl" else "nl"
        client.get(URL, {"q": "Vlietstra"})
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        ban = client.get(URL, {"q": "Vlietstra"}).json()["results"][0]["bans"][0]
    assert (ban["kind_label"], ban["legal_basis_label"], ban["authority_label"]) == (kind, basis, authority)


def test_valid_times_are_given_in_amsterdam_time(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra")
    registry.ban(person)
    with time_machine.travel(NOW):
        ban = client_for("bob").get(URL, {"q": "Vlietstra"}).json()["results"][0]["bans"][0]
    assert ban["valid_from"].endswith("+02:00")


def test_night_window_is_said_in_words(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra")
    registry.ban(person, BanKind.AREA, time_windows=[{"days": [0, 1, 2, 3, 4, 5, 6], "start": "22:00", "end": "06:00"}])
    with time_machine.travel(NOW):
        ban = client_for("bob").get(URL, {"q": "Vlietstra"}).json()["results"][0]["bans"][0]
    assert ban["forbids"].endswith("Geldt elke nacht van 22:00 tot 06:00.")


def test_identifier_query_finds_by_bsn(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra", bsn="111222333")
    registry.person("Dirkje", "Vlietstra", bsn="123456782")
    body = client_for("bob").get(URL, {"id": "111222333"}).json()
    assert [r["person"]["id"] for r in body["results"]] == [person.pk]
    assert body["query"]["kind"] == "identifier"
    assert body["query"]["identifier_kind"] == "bsn"


def test_identifier_typed_in_the_name_box_is_recognised(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra", strafrechtketennummer="SKN-2026-001234")
    body = client_for("bob").get(URL, {"q": "SKN-2026-001234"}).json()
    assert [r["person"]["id"] for r in body["results"]] == [person.pk]


def test_identifier_with_spaces_and_dots_matches(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra", cjib_reference="1234567890123456")
    body = client_for("bob").get(URL, {"id": "1234 5678 9012 3456"}).json()
    assert [r["person"]["id"] for r in body["results"]] == [person.pk]
    assert body["query"]["identifier_kind"] == "cjib"


def test_bsn_failing_the_elfproef_is_flagged(client_for, registry):
    body = client_for("bob").get(URL, {"id": "123456789"}).json()
    assert body["query"]["checksum_ok"] is False
    assert body["results"] == []


def test_no_match_is_an_empty_list_not_an_error(client_for, registry):
    response = client_for("bob").get(URL, {"q": "Zzyzxwvut"})
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert response.json()["ban_in_force"] is False


def test_the_answer_is_utf8_json_with_names_as_written_and_the_zone_in_numbers(client_for, registry):
    person = registry.person("Hümeyra", "Çelik")
    registry.ban(person, BanKind.AREA, radius_m=5000)
    with time_machine.travel(NOW):
        response = client_for("bob").get(URL, {"q": "Hümeyra Çelik"})
    assert response["Content-Type"] == "application/json"
    assert "Hümeyra" in response.content.decode("utf-8")  # as written, not escaped
    zone = response.json()["results"][0]["bans"][0]["zone"]
    assert zone["inner_radius_m"] < 5000 < zone["outer_radius_m"]
    assert all(isinstance(c, float) for c in zone["geojson"]["features"][0]["geometry"]["coordinates"][0][0])


def test_missing_query_is_400_with_field_message(client_for, users):
    response = client_for("bob").get(URL)
    assert response.status_code == 400
    assert "q" in response.json()


@pytest.mark.parametrize("dob", ["31-02-1980", "1980-13-45", "gisteren", "17-05-80"])
def test_bad_date_of_birth_is_400_on_the_field(client_for, users, dob):
    response = client_for("bob").get(URL, {"q": "Vries", "dob": dob})
    assert response.status_code == 400
    assert "dob" in response.json()


@pytest.mark.parametrize("typed", ["08-06-2001", "8-6-2001", "08.06.2001", "08/06/2001", "2001-06-08"])
def test_date_of_birth_typed_the_dutch_way_narrows_to_the_person(client_for, registry, typed):
    wanted = registry.person("Dirkje", "Vlietstra", dob=date(2001, 6, 8))
    registry.person("Dirkje", "Vlietstra", dob=date(2001, 8, 6))
    body = client_for("bob").get(URL, {"q": "Vlietstra", "dob": typed}).json()
    assert body["query"]["dob"] == "2001-06-08"
    assert [r["person"]["id"] for r in body["results"]][:1] == [wanted.pk]
    assert "dob_equal" in body["results"][0]["match"]["reasons"]


def test_punctuation_only_query_is_400(client_for, users):
    assert client_for("bob").get(URL, {"q": "..."}).status_code == 400


def test_answers_are_not_cached(client_for, users):
    assert client_for("bob").get(URL, {"q": "Vries"})["Cache-Control"] == "no-store"


def test_post_looks_up_with_the_query_in_the_body(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra", dob=date(2001, 6, 8))
    response = client_for("bob").post(URL, {"q": "Vlietstra", "dob": "08-06-2001"}, format="json")
    assert response.status_code == 200
    assert [r["person"]["id"] for r in response.json()["results"]] == [person.pk]
    assert response["Cache-Control"] == "no-store"


def test_post_with_a_bad_date_is_400_on_the_field(client_for, users):
    response = client_for("bob").post(URL, {"q": "Vries", "dob": "31-02-1980"}, format="json")
    assert response.status_code == 400
    assert "dob" in response.json()


def test_code_of_letters_and_digits_is_found_exactly(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra", cjib_reference="CJIB-AB12CD34")
    registry.person("Dirkje", "Vlietstra", cjib_reference="CJIB-AB12CD35")
    for typed in ("CJIB-AB12CD34", "cjib-ab12cd34", " CJIB-AB12CD34 "):
        body = client_for("bob").get(URL, {"q": typed}).json()
        assert body["query"]["kind"] == "identifier"
        assert [r["person"]["id"] for r in body["results"]] == [person.pk], typed


def test_name_with_a_stray_digit_is_searched_as_a_name_when_no_code_matches(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra")
    body = client_for("bob").get(URL, {"q": "Vlietstra2"}).json()
    assert body["query"]["kind"] == "name"
    assert [r["person"]["id"] for r in body["results"]] == [person.pk]
