"""Shared fixtures: one named user per role, API clients logged in as them, eager Celery and a vendor feed."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from rest_framework.test import APIClient

from config.celery import app as celery_app
from geofence.incidents import zones
from geofence.testing import give_region, make_vendor
from registry.roles import Role
from tests.two_factor import authenticator

# Named users shared by all tests (invented people).
USERS = {
    "alice": Role.REGISTRAR,
    "bob": Role.POLICE_OFFICER,
    "carol": Role.MONITORING_OPERATOR,
    "dave": Role.DEVICE_FEED,
    "erin": Role.SUPERVISOR,
    "frank": Role.POLICE_DISPATCH,
}


@pytest.fixture(autouse=True)
def _dutch_after_each_test():
    # A request in English (a language cookie) leaves English active in this thread: never in the next test.
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher costs about a second per user on a small machine; tests make six users each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch):
    """force_login skips the password; let it skip the second factor too, as a finished sign-in.

    The sign-in itself (password, code, enrolment, throttle) is tested through the forms in tests/security.
    """
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


def make_user(username: str, role: Role | None) -> User:
    user = User.objects.create_user(username, password="password-" + username)
    if role is not None:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    if role == Role.MONITORING_OPERATOR:
        give_region(user)  # the region of geofence.testing.make_ban's bans
    return user


@pytest.fixture
def users(db) -> dict[str, User]:
    return {name: make_user(name, role) for name, role in USERS.items()}


@pytest.fixture
def client_for(users):
    """Return a function giving an APIClient authenticated as the named user (None: anonymous)."""

    def build(name: str | None) -> APIClient:
        client = APIClient()
        if name is not None:
            client.force_authenticate(users[name])
        return client

    return build


@pytest.fixture
def eager_celery(settings):
    """Run tasks in-process and let their errors surface, whatever broker the environment names (CI sets one)."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    zones.invalidate()
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


class Feed:
    """A vendor's API client; posts run their on-commit work (evaluation) as the server would."""

    def __init__(self, vendor, key, capture):
        self.vendor, self.key, self.capture = vendor, key, capture
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")

    def positions(self, fixes, **kwargs):
        return self._post("/api/v1/feeds/positions", {"fixes": fixes}, **kwargs)

    def events(self, events, **kwargs):
        return self._post("/api/v1/feeds/events", {"events": events}, **kwargs)

    def _post(self, url, body, **kwargs):
        with self.capture(execute=True):
            if isinstance(body, str):  # already JSON text
                return self.client.post(url, body, **kwargs)
            return self.client.post(url, body, format="json", **kwargs)


@pytest.fixture
def feed(db, django_capture_on_commit_callbacks):
    vendor, key = make_vendor("acme")
    return Feed(vendor, key, django_capture_on_commit_callbacks)


@pytest.fixture
def other_feed(db, django_capture_on_commit_callbacks):
    vendor, key = make_vendor("globex")
    return Feed(vendor, key, django_capture_on_commit_callbacks)
