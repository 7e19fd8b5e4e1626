"""GET /: each role lands where it works; anonymous users log in first."""

import pytest
from django.contrib.auth.models import User

from tests.conftest import make_user


@pytest.fixture
def browser_for(client, users):
    def build(name: str):
        client.force_login(users[name])
        return client

    return build


@pytest.mark.parametrize(
    ("name", "page"),
    [
        ("carol", "/monitor/"),
        ("erin", "/monitor/"),
        ("bob", "/politie/"),
        ("alice", "/registratie/"),
        ("dave", "/api/docs/"),
        ("frank", "/api/docs/"),
    ],
)
def test_each_role_lands_on_its_own_page(browser_for, name, page):
    response = browser_for(name).get("/")
    assert response.status_code == 302
    assert response["Location"] == page


def test_anonymous_user_is_sent_to_the_login_page(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_login_goes_on_to_the_landing_page(client, users):
    response = client.post("/accounts/login/", {"username": "bob", "password": "password-bob"})
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == "/politie/"


def test_user_without_a_role_is_told_so(client, db):
    client.force_login(make_user("gerrit", None))
    response = client.get("/")
    assert response.status_code == 403
    assert "geen rol" in response.content.decode()


def test_superuser_lands_in_the_admin(client, db):
    client.force_login(User.objects.create_superuser("beheer", password="beheer-wachtwoord"))
    assert client.get("/")["Location"] == "/admin/"


def test_officer_may_not_open_the_registrar_desk(browser_for):
    assert browser_for("bob").get("/registratie/").status_code == 403


def test_registrar_desk_shows_empty_lists(browser_for):
    html = browser_for("alice").get("/registratie/").content.decode()
    assert "Geen brieven te versturen." in html
    assert "Geen rapporten te beoordelen." in html
