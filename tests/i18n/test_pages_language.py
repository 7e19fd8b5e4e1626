"""Dutch by default, whatever the browser asks; English after choosing it with the language buttons."""

import pytest

PAGES = {
    "/monitor/": ("Open incidenten", "Open incidents"),
    "/politie/": ("Naam of nummer", "Name or number"),
    "/accounts/login/": ("Gebruikersnaam", "Username"),
}


@pytest.fixture
def operator_and_officer(client, users):
    """A session client logged in as a user holding both the operator's and the officer's role."""
    carol = users["carol"]
    carol.groups.add(*users["bob"].groups.all())
    client.force_login(carol)
    return client


def html(client, path: str, **headers) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("path", PAGES)
def test_page_is_dutch_by_default(operator_and_officer, path):
    page = html(operator_and_officer, path)
    assert '<html lang="nl">' in page
    assert PAGES[path][0] in page


@pytest.mark.parametrize("path", PAGES)
def test_english_browser_still_gets_dutch(operator_and_officer, path):
    page = html(operator_and_officer, path, accept_language="en-GB,en;q=0.9")
    assert '<html lang="nl">' in page
    assert PAGES[path][0] in page


@pytest.mark.parametrize("path", PAGES)
def test_page_is_english_after_choosing_english(operator_and_officer, path):
    assert operator_and_officer.post("/i18n/setlang/", {"language": "en", "next": path}).status_code == 302
    page = html(operator_and_officer, path)
    assert '<html lang="en">' in page
    assert PAGES[path][1] in page
    assert PAGES[path][0] not in page


def test_choosing_dutch_again_switches_back(operator_and_officer):
    operator_and_officer.post("/i18n/setlang/", {"language": "en", "next": "/monitor/"})
    operator_and_officer.post("/i18n/setlang/", {"language": "nl", "next": "/monitor/"})
    assert "Open incidenten" in html(operator_and_officer, "/monitor/")


def test_browser_language_counts_when_configured(operator_and_officer, settings):
    settings.LANGUAGE_FROM_BROWSER = True
    page = html(operator_and_officer, "/monitor/", accept_language="en")
    assert "Open incidents" in page


def test_unknown_language_cookie_falls_back_to_dutch(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "Gebruikersnaam" in html(client, "/accounts/login/")


def test_dashboard_script_labels_are_english_after_choosing_english(operator_and_officer):
    operator_and_officer.post("/i18n/setlang/", {"language": "en", "next": "/monitor/"})
    page = html(operator_and_officer, "/monitor/")
    assert '"decimal_mark": "."' in page
