"""The second factor at sign-in: required for staff roles, optional for officers, enrolment at first sign-in."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from config import two_factor
from tests.two_factor import authenticator, totp_code


def sign_in(client, username: str):
    return client.post("/accounts/login/", {"username": username, "password": "password-" + username})


def enrol(client) -> list[str]:
    """Enrol as a user would: read the key off the page, type the app's code; return the recovery codes shown."""
    page = client.get("/accounts/two-factor/").content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    code = f"{totp(b32decode(secret.replace(' ', ''))):06d}"
    answer = client.post("/accounts/two-factor/", {"code": code, "next": "/monitor/"})
    assert answer.status_code == 200
    return re.findall(r"<li><code>([0-9a-f]+)</code></li>", answer.content.decode())


@pytest.mark.parametrize("username", ["alice", "carol", "erin"])
def test_staff_roles_are_sent_to_enrolment_at_their_first_sign_in(client, users, username):
    assert sign_in(client, username).status_code == 302
    answer = client.get("/monitor/")
    assert answer.status_code == 302
    assert answer.url.startswith("/accounts/two-factor/?next=")
    assert "totp-secret" in client.get(answer.url).content.decode()


def test_enrolment_confirms_the_device_and_gives_ten_recovery_codes(client, users):
    sign_in(client, "carol")
    codes = enrol(client)
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user__username="carol").confirmed
    assert client.get("/monitor/").status_code == 200


def test_a_wrong_enrolment_code_confirms_nothing(client, users):
    sign_in(client, "carol")
    client.get("/accounts/two-factor/")
    assert client.post("/accounts/two-factor/", {"code": "000000"}).status_code == 400
    assert not TOTPDevice.objects.filter(user__username="carol", confirmed=True).exists()
    assert client.get("/monitor/").status_code == 302


def test_an_unverified_session_gets_403_from_the_json_api(client, users):
    sign_in(client, "carol")
    answer = client.get("/monitor/api/incidents/")
    assert answer.status_code == 403
    assert answer.json()["code"] == "second_factor_required"


def test_an_enrolled_user_signs_in_with_the_code_of_the_app(client, users):
    device = authenticator(users["carol"])
    sign_in(client, "carol")
    assert client.post("/accounts/two-factor/", {"code": "123456"}).status_code == 400
    # django-otp makes each failure double the wait before the next try (1 s after the first).
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        answer = client.post("/accounts/two-factor/", {"code": totp_code(device), "next": "/monitor/"})
    assert answer.status_code == 302 and answer.url == "/monitor/"
    assert client.get("/monitor/api/incidents/").status_code == 200


def test_a_recovery_code_works_once(client, users):
    authenticator(users["carol"])
    code = two_factor.issue_recovery_codes(users["carol"])[0]
    sign_in(client, "carol")
    assert client.post("/accounts/two-factor/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    sign_in(client, "carol")
    assert client.post("/accounts/two-factor/", {"code": code}).status_code == 400


def test_an_officer_needs_no_second_factor_but_is_asked_once_enrolled(client, users):
    sign_in(client, "bob")
    assert client.get("/politie/").status_code == 200
    client.post("/accounts/logout/")
    authenticator(users["bob"])
    sign_in(client, "bob")
    assert client.get("/politie/").url.startswith("/accounts/two-factor/")


def test_an_administrator_needs_the_second_factor_for_the_admin(client, db):
    User.objects.create_superuser("beheer", password="password-beheer")
    client.post("/admin/login/", {"username": "beheer", "password": "password-beheer"})
    assert client.get("/admin/").url.startswith("/accounts/two-factor/")


def test_demo_mode_makes_the_second_factor_optional(client, users, settings):
    settings.TWO_FACTOR_OPTIONAL_IN_DEMO = True
    sign_in(client, "carol")
    assert client.get("/monitor/").status_code == 200


def test_the_next_address_must_stay_on_this_site(client, users):
    device = authenticator(users["carol"])
    sign_in(client, "carol")
    answer = client.post("/accounts/two-factor/", {"code": totp_code(device), "next": "https://elders.example/"})
    assert answer.url == "/"
