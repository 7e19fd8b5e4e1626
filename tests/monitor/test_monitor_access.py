"""Only monitoring operators and supervisors may use the dashboard."""

import pytest

PAGES = ["/monitor/", "/monitor/devices/"]
JSON = ["/monitor/api/incidents/", "/monitor/api/devices/"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_page_visit_redirects_to_login(browser_client, url):
    response = browser_client(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", JSON)
def test_anonymous_json_call_gets_401(browser_client, url):
    response = browser_client(None).get(url)
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize("name", ["alice", "bob", "dave", "frank"])
@pytest.mark.parametrize("url", PAGES + JSON)
def test_other_roles_get_403(browser_client, name, url):
    assert browser_client(name).get(url).status_code == 403


@pytest.mark.parametrize("name", ["carol", "erin"])
@pytest.mark.parametrize("url", PAGES + JSON)
def test_operator_and_supervisor_get_in(browser_client, name, url):
    assert browser_client(name).get(url).status_code == 200


def test_officer_cannot_open_an_incident_or_act_on_it(browser_client, make_incident):
    incident = make_incident()
    client = browser_client("bob")
    assert client.get(f"/monitor/incidents/{incident.pk}/").status_code == 403
    assert client.get(f"/monitor/api/incidents/{incident.pk}/").status_code == 403
    response = client.post(
        f"/monitor/api/incidents/{incident.pk}/acknowledge/", {"version": 1}, content_type="application/json"
    )
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.state == "open"


def test_anonymous_action_gets_401(browser_client, make_incident):
    incident = make_incident()
    response = browser_client(None).post(
        f"/monitor/api/incidents/{incident.pk}/acknowledge/", {"version": 1}, content_type="application/json"
    )
    assert response.status_code == 401


def test_action_without_csrf_token_is_refused(users, make_incident):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["carol"])
    incident = make_incident()
    response = client.post(
        f"/monitor/api/incidents/{incident.pk}/acknowledge/", {"version": 1}, content_type="application/json"
    )
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.state == "open"


def test_login_page_is_dutch_by_default_and_english_on_request(client, db):
    assert "Inloggen" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    # The English catalogue may not be compiled yet: the page must at least answer in the chosen language.
    assert 'lang="en"' in client.get("/accounts/login/").content.decode()
