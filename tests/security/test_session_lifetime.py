"""Sessions end after the idle timeout of the user's role, at the absolute timeout, or everywhere at once."""

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone


def later(minutes: float):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def signed_in(user) -> Client:
    with later(0):
        client = Client()
        client.force_login(user)
    return client


def test_an_operator_is_signed_out_after_thirty_idle_minutes(users):
    client = signed_in(users["carol"])
    with later(29):
        assert client.get("/monitor/").status_code == 200
    with later(29 + 29):
        assert client.get("/monitor/").status_code == 200
    with later(29 + 29 + 31):
        answer = client.get("/monitor/")
    assert answer.status_code == 302 and answer.url.startswith("/accounts/login/")


def test_an_officer_keeps_a_session_through_a_shift(users):
    client = signed_in(users["bob"])
    with later(4 * 60):
        assert client.get("/politie/").status_code == 200
    with later(4 * 60 + 8 * 60 + 1):
        assert client.get("/politie/").status_code == 302


def test_idle_minutes_are_configurable_per_role(users, settings):
    settings.SESSION_IDLE_MINUTES_BY_ROLE = {**settings.SESSION_IDLE_MINUTES_BY_ROLE, "monitoring_operator": 120}
    client = signed_in(users["carol"])
    with later(100):
        assert client.get("/monitor/").status_code == 200


def test_an_active_session_still_ends_at_the_absolute_timeout(users, settings):
    client = signed_in(users["bob"])
    for hour in range(1, settings.SESSION_ABSOLUTE_HOURS):
        with later(hour * 60):
            assert client.get("/politie/").status_code == 200
    with later(settings.SESSION_ABSOLUTE_HOURS * 60 + 1):
        assert client.get("/politie/").status_code == 302


def test_signing_out_everywhere_ends_the_other_sessions_too(users):
    desk, phone = signed_in(users["erin"]), signed_in(users["erin"])
    other_user = signed_in(users["carol"])
    assert desk.post("/accounts/logout-everywhere/").url == "/accounts/login/"
    assert phone.get("/monitor/").status_code == 302
    assert desk.get("/monitor/").status_code == 302
    assert other_user.get("/monitor/").status_code == 200


def test_an_administrator_signs_a_user_out_everywhere(users):
    from django.contrib.auth.models import User

    victim = signed_in(users["carol"])
    admin = signed_in(User.objects.create_superuser("beheer", password="password-beheer"))
    admin.post("/admin/auth/user/", {"action": "sign_out_everywhere", "_selected_action": [users["carol"].pk]})
    assert victim.get("/monitor/").status_code == 302


def test_the_pages_offer_signing_out_everywhere(users):
    assert 'action="/accounts/logout-everywhere/"' in signed_in(users["carol"]).get("/monitor/").content.decode()
    assert 'action="/accounts/logout-everywhere/"' in signed_in(users["alice"]).get("/registratie/").content.decode()
