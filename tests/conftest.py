"""Shared fixtures: one named user per role, and API clients logged in as them."""

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from registry.roles import Role

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
def _fast_password_hashing(settings):
    # The production hasher costs about a second per user on a small machine; tests make six users each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, role: Role | None) -> User:
    user = User.objects.create_user(username, password="password-" + username)
    if role is not None:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
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
