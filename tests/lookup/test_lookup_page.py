"""The officers' mobile page: Dutch by default, English on request, a red banner on a ban in force."""

import pytest
import time_machine

from registry.models import AuditEntry, BanKind, LegalBasis
from tests.lookup.conftest import NOW

PAGE = "/politie/"


@pytest.fixture
def officer(client, users):
    client.force_login(users["bob"])
    return client


@pytest.fixture
def banned(registry):
    person = registry.person("Dirkje", "Vlietstra")
    registry.ban(person, BanKind.CONTACT, registry.decision(person, LegalBasis.GEDRAGSAANWIJZING))
    registry.ban(person, BanKind.AREA).protected_persons.add(registry.victim())
    return person


def page(client, **params) -> str:
    """Search as the phone does: post the form, follow the redirect to the answer."""
    with time_machine.travel(NOW):
        if params:
            posted = client.post(PAGE, params)
            assert posted.status_code == 302
            response = client.get(posted["Location"])
        else:
            response = client.get(PAGE)
    assert response.status_code == 200
    return response.content.decode()


def test_empty_page_is_a_dutch_search_form_sized_for_phones(officer):
    html = page(officer)
    assert '<html lang="nl">' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'name="q"' in html and 'name="dob"' in html and 'inputmode="numeric"' in html
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html
    assert "Zoeken" in html
    assert "lookup/lookup.css" in html and "https://" not in html


def test_ban_in_force_shows_the_red_banner_and_the_instruction(officer, banned):
    html = page(officer, q="Vlietstra")
    assert 'class="banner banner-danger"' in html
    assert "LET OP: VERBOD VAN KRACHT" in html
    assert "Geen contact (direct, indirect of online) met de beschermde persoon." in html
    assert "Aanhouding mogelijk" in html
    assert "Mag niet komen binnen 5 km van het beschermde adres (zone op kaart)." in html


def test_page_shows_no_protected_person_to_an_officer(officer, banned):
    html = page(officer, q="Vlietstra")
    for secret in ["Roosmarijn", "Zwaluwstaart", "Denkbeeldlaan", "06-99999999"]:
        assert secret not in html


def test_person_without_bans_has_no_banner(officer, registry):
    registry.person("Dirkje", "Vlietstra")
    html = page(officer, q="Vlietstra")
    assert "banner-danger" not in html
    assert "Geen verboden van kracht" in html


def test_no_match_warns_that_it_is_not_proof_of_no_ban(officer, users):
    html = page(officer, q="Zzyzxwvut")
    assert "Geen persoon gevonden." in html
    assert "Dat betekent niet dat er geen verbod is" in html


def test_page_lookup_is_audited(officer, banned):
    page(officer, q="Vlietstra", dob="1980-01-01")
    entry = AuditEntry.objects.get(action="lookup")
    assert entry.details["channel"] == "page"
    assert entry.person_ids == [banned.pk]


def test_english_after_choosing_it_with_set_language(officer, banned):
    response = officer.post("/i18n/setlang/", {"language": "en", "next": PAGE})
    assert response.status_code == 302
    html = page(officer, q="Vlietstra")
    assert '<html lang="en">' in html
    assert "WARNING: BAN IN FORCE" in html
    assert "No contact (direct, indirect or online) with the protected person." in html
    assert "Arrest possible" in html
    assert "Search" in html


def test_language_buttons_post_to_set_language(officer):
    html = page(officer)
    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="en"' in html
