"""The officers' page searches by POST and redirects to an opaque id: no name, number or date in any URL."""

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.test import Client

from registry.models import AuditEntry, BanKind
from tests.lookup.conftest import NOW

PAGE = "/politie/"


@pytest.fixture
def officer(client, users):
    client.force_login(users["bob"])
    return client


@pytest.fixture
def banned(registry):
    person = registry.person("Dirkje", "Vlietstra", bsn="123456782")
    registry.ban(person, BanKind.CONTACT)
    return person


def test_post_redirects_to_an_opaque_id_without_the_query(officer, banned):
    with time_machine.travel(NOW):
        response = officer.post(PAGE, {"q": "123456782", "dob": "01-01-1980"})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(PAGE + "?r=")
    for secret in ("123456782", "1980", "Vlietstra", "q=", "dob="):
        assert secret not in location


def test_answer_behind_the_redirect_shows_the_person_and_is_audited_once(officer, banned):
    with time_machine.travel(NOW):
        location = officer.post(PAGE, {"q": "Vlietstra"})["Location"]
        assert AuditEntry.objects.filter(action="lookup").count() == 0
        html = officer.get(location).content.decode()
    assert "Dirkje Vlietstra" in html
    entry = AuditEntry.objects.get(action="lookup")
    assert entry.details["channel"] == "page"
    assert entry.person_ids == [banned.pk]


def test_back_button_shows_the_answer_again_with_a_get(officer, banned):
    with time_machine.travel(NOW):
        location = officer.post(PAGE, {"q": "Vlietstra"})["Location"]
        first, again = officer.get(location), officer.get(location)
    assert first.status_code == again.status_code == 200
    assert "Dirkje Vlietstra" in again.content.decode()
    # Every answer shown is a lookup: the second showing is audited as well.
    assert AuditEntry.objects.filter(action="lookup").count() == 2


def test_get_with_a_query_string_does_not_search(officer, banned):
    with time_machine.travel(NOW):
        html = officer.get(PAGE, {"q": "Vlietstra"}).content.decode()
    assert "Dirkje Vlietstra" not in html
    assert not AuditEntry.objects.filter(action="lookup").exists()


def test_result_id_of_another_session_shows_nothing(officer, banned, users):
    supervisor = Client()
    supervisor.force_login(users["erin"])
    with time_machine.travel(NOW):
        location = officer.post(PAGE, {"q": "Vlietstra"})["Location"]
        html = supervisor.get(location).content.decode()
    assert "Dirkje Vlietstra" not in html
    assert "Deze zoekvraag is niet meer beschikbaar" in html


def test_unknown_result_id_asks_to_search_again(officer):
    html = officer.get(PAGE, {"r": "onbekend"}).content.decode()
    assert "Deze zoekvraag is niet meer beschikbaar" in html


def test_invalid_form_answers_400_with_the_field_message(officer):
    response = officer.post(PAGE, {"q": "...", "dob": "31-02-1980"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Geef een naam met letters, of een nummer." in html
    assert 'class="error"' in html


def test_logout_button_posts_to_logout(officer):
    html = officer.get(PAGE).content.decode()
    assert 'action="/accounts/logout/"' in html
    assert "Uitloggen" in html
    response = officer.post("/accounts/logout/", {"next": "/accounts/login/?next=/politie/"})
    assert response.status_code == 302
    assert officer.get(PAGE).status_code == 302


def test_page_follows_the_phones_dark_setting(officer):
    html = officer.get(PAGE).content.decode()
    assert '<meta name="color-scheme" content="light dark">' in html
    with open(finders.find("lookup/lookup.css"), encoding="utf-8") as css:
        assert "@media (prefers-color-scheme: dark)" in css.read()
