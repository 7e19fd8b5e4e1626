"""403, 404 and 500 pages in Dutch, English after the language switch; JSON under the APIs."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import translation

from config.errors import server_error

PAGES = {
    404: ("Pagina niet gevonden", "Page not found"),
    403: ("Geen toegang", "Access denied"),
}


def get_as(client, path: str, language: str | None):
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(path)


@pytest.mark.parametrize(("language", "index"), [(None, 0), ("en", 1)])
def test_not_found_page_speaks_the_chosen_language(client, users, language, index):
    client.force_login(users["carol"])
    answer = get_as(client, "/bestaat-niet/", language)
    assert answer.status_code == 404
    assert PAGES[404][index] in answer.content.decode()


@pytest.mark.parametrize(("language", "index"), [(None, 0), ("en", 1)])
def test_forbidden_page_speaks_the_chosen_language(client, users, language, index):
    client.force_login(users["bob"])  # an officer on the monitoring dashboard
    answer = get_as(client, "/monitor/", language)
    assert answer.status_code == 403
    assert PAGES[403][index] in answer.content.decode()


@pytest.mark.parametrize(("language", "text"), [("nl", "Er ging iets mis"), ("en", "Something went wrong")])
def test_server_error_page_speaks_the_active_language(language, text):
    with translation.override(language):
        answer = server_error(RequestFactory().get("/monitor/"))
    assert answer.status_code == 500
    assert text in answer.content.decode()


def test_api_errors_stay_json(client, users):
    client.force_login(users["bob"])
    assert client.get("/monitor/api/incidents/").json()["detail"]
    assert server_error(RequestFactory().get("/api/v1/bans/"))["Content-Type"] == "application/json"
