"""Password guessing on the login forms is refused with 429 after a few failures, per username and per address."""

import os
from datetime import timedelta

import pytest
import redis
import time_machine
from django.utils import timezone

from tests.services import require_redis

LOGIN_FORMS = ["/accounts/login/", "/admin/login/"]


def attempt(client, path: str, username: str, password: str = "fout", addr: str = "192.0.2.10"):  # noqa: S107
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=addr)


@pytest.mark.parametrize("path", LOGIN_FORMS)
def test_sixth_attempt_on_one_username_is_429_even_with_the_right_password(client, users, path):
    for _ in range(5):
        assert attempt(client, path, "alice").status_code == 200  # the form again, with its error
    refused = attempt(client, path, "alice", "password-alice")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "900"
    assert "Te veel mislukte inlogpogingen" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_username_is_matched_without_case_or_spaces(client, users):
    for name in ["alice", "ALICE", " Alice", "alice ", "aLiCe"]:
        attempt(client, "/accounts/login/", name)
    assert attempt(client, "/accounts/login/", "alice").status_code == 429


def test_other_usernames_from_the_same_address_still_get_in(client, users):
    for _ in range(5):
        attempt(client, "/accounts/login/", "alice")
    answer = attempt(client, "/accounts/login/", "bob", "password-bob")
    assert answer.status_code == 302


def test_twenty_failures_from_one_address_block_every_username_from_it(client, users):
    for i in range(20):
        attempt(client, "/accounts/login/", f"geraden{i}")
    assert attempt(client, "/accounts/login/", "bob", "password-bob").status_code == 429
    assert attempt(client, "/accounts/login/", "bob", "password-bob", addr="192.0.2.99").status_code == 302


def test_the_window_ends_after_fifteen_minutes(client, users):
    for _ in range(5):
        attempt(client, "/accounts/login/", "alice")
    assert attempt(client, "/accounts/login/", "alice", "password-alice").status_code == 429
    with time_machine.travel(timezone.now() + timedelta(seconds=901)):
        assert attempt(client, "/accounts/login/", "alice", "password-alice").status_code == 302


def test_a_successful_login_clears_its_username_count(client, users):
    for _ in range(4):
        attempt(client, "/accounts/login/", "alice")
    assert attempt(client, "/accounts/login/", "alice", "password-alice").status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "/accounts/login/", "alice")
    assert attempt(client, "/accounts/login/", "alice", "password-alice").status_code == 302


def test_reading_the_login_page_is_never_throttled(client, users):
    for _ in range(6):
        attempt(client, "/accounts/login/", "alice")
    assert client.get("/accounts/login/", REMOTE_ADDR="192.0.2.10").status_code == 200


def test_counts_are_shared_through_redis_when_cache_url_is_set(client, users, settings):
    """Production sets CACHE_URL so every gunicorn worker sees the same counts."""
    require_redis()
    url = os.environ.get("BANWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    from django.core.cache import caches

    caches["default"].clear()
    try:
        for _ in range(5):
            attempt(client, "/accounts/login/", "alice")
        assert redis.Redis.from_url(url).keys("*login-failures:user:*")  # where another worker would look
        assert attempt(client, "/accounts/login/", "alice", "password-alice").status_code == 429
    finally:
        caches["default"].clear()
