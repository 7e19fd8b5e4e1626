"""Who may look up: officers, supervisors, operators and registrars; feeds and dispatch may not."""

import pytest

URL = "/api/v1/lookup"


@pytest.mark.parametrize("name", ["bob", "erin", "carol", "alice"])
def test_lookup_roles_get_an_answer(client_for, users, name):
    assert client_for(name).get(URL, {"q": "Vries"}).status_code == 200


@pytest.mark.parametrize("name", ["dave", "frank"])
def test_device_feed_and_dispatch_are_refused(client_for, users, name):
    assert client_for(name).get(URL, {"q": "Vries"}).status_code == 403


def test_anonymous_api_is_401(client_for, users):
    response = client_for(None).get(URL, {"q": "Vries"})
    assert response.status_code == 401
    assert "WWW-Authenticate" in response


def test_anonymous_page_redirects_to_login(client, users):
    response = client.get("/politie/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/politie/")


@pytest.mark.parametrize("name", ["dave", "frank"])
def test_page_refuses_roles_without_lookup(client, users, name):
    client.force_login(users[name])
    assert client.get("/politie/").status_code == 403
