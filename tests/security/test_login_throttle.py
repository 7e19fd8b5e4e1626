"""Password guessing is slowed down per username, never locked out; an address is limited only for unknown names."""

import os
import secrets
from datetime import timedelta

import pytest
import redis
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone

from config.login_throttle import delay_after
from tests.services import require_redis
from tests.two_factor import authenticator, totp_code

LOGIN_FORMS = ["/accounts/login/", "/admin/login/"]
ADDR = "192.0.2.10"


def attempt(client, path: str, username: str, password: str = "fout", addr: str = ADDR, **extra):  # noqa: S107
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=addr, **extra)


def later(seconds: float):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def test_delays_double_after_the_free_failures_up_to_a_minute():
    assert [delay_after(n) for n in range(9)] == [0, 0, 0, 2, 4, 8, 16, 32, 60]
    assert delay_after(1_000) == 60


@pytest.mark.parametrize("path", LOGIN_FORMS)
def test_a_guessed_username_must_wait_longer_after_each_failure(client, users, path):
    with later(0):
        for _ in range(3):
            assert attempt(client, path, "alice").status_code == 200  # the form again, with its error
        refused = attempt(client, path, "alice", "password-alice")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "2"
    assert "Te veel mislukte inlogpogingen" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    with later(3):
        assert attempt(client, path, "alice").status_code == 200
        assert attempt(client, path, "alice").status_code == 429
    with later(3 + 4):
        assert attempt(client, path, "alice").status_code == 200


def test_the_right_password_after_the_wait_signs_in_however_many_guesses_came_before(client, users):
    for n in range(40):
        with later(n * 61):
            assert attempt(client, "/accounts/login/", "alice").status_code == 200
    with later(39 * 61 + 30):
        assert attempt(client, "/accounts/login/", "alice", "password-alice").status_code == 429
    with later(39 * 61 + 60):
        assert attempt(client, "/accounts/login/", "alice", "password-alice").status_code == 302


def test_username_is_matched_without_case_or_spaces(client, users):
    with later(0):
        for name in ["ALICE", " Alice", "alice "]:
            attempt(client, "/accounts/login/", name)
        assert attempt(client, "/accounts/login/", "aLiCe").status_code == 429


def test_a_known_users_typos_do_not_slow_down_colleagues_at_the_same_address(client, users):
    with later(0):
        for _ in range(10):
            attempt(client, "/accounts/login/", "alice")
        assert attempt(client, "/accounts/login/", "bob", "password-bob").status_code == 302


def test_an_address_is_limited_for_unknown_usernames_only(client, users):
    with later(0):
        for i in range(20):
            assert attempt(client, "/accounts/login/", f"geraden{i}").status_code == 200
        assert attempt(client, "/accounts/login/", "geraden-nog-een").status_code == 429
        assert attempt(client, "/accounts/login/", "geraden-nog-een", addr="192.0.2.99").status_code == 200
        assert attempt(client, "/accounts/login/", "bob", "password-bob").status_code == 302


def test_a_thousand_random_names_from_one_address_do_not_stop_a_known_user_with_both_factors(client, users):
    for _ in range(1_000):
        attempt(client, "/accounts/login/", "x-" + secrets.token_hex(6))
    carol = User.objects.get(username="carol")
    device = authenticator(carol)
    signed_in = attempt(client, "/accounts/login/", "carol", "password-carol")
    assert signed_in.status_code == 302
    assert client.get("/monitor/").url.startswith("/accounts/two-factor/")
    verified = client.post("/accounts/two-factor/", {"code": totp_code(device), "next": "/monitor/"})
    assert verified.status_code == 302 and verified.url == "/monitor/"
    assert client.get("/monitor/").status_code == 200


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, users):
    with later(0):
        for i in range(20):
            attempt(client, "/accounts/login/", f"geraden{i}", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
        assert attempt(client, "/accounts/login/", "geraden", HTTP_X_FORWARDED_FOR="198.51.100.200").status_code == 429


def test_behind_the_trusted_proxy_each_client_has_its_own_address(client, users, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    with later(0):
        for i in range(20):
            forwarded = "203.0.113.9, 198.51.100.1"  # the first entry is the client's own claim
            attempt(client, "/accounts/login/", f"geraden{i}", addr=proxy, HTTP_X_FORWARDED_FOR=forwarded)
        limited = attempt(client, "/accounts/login/", "geraden", addr=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
        other = attempt(client, "/accounts/login/", "geraden", addr=proxy, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert limited.status_code == 429
    assert other.status_code == 200


def test_an_administrator_unlocks_a_slowed_down_user(client, users):
    admin = User.objects.create_superuser("beheer", password="password-beheer")
    with later(0):
        for _ in range(8):
            attempt(client, "/accounts/login/", "alice")
        assert attempt(client, "/accounts/login/", "alice", "password-alice").status_code == 429
        staff = type(client)()
        staff.force_login(admin)
        alice = User.objects.get(username="alice")
        answer = staff.post("/admin/auth/user/", {"action": "unlock_login", "_selected_action": [alice.pk]})
        assert answer.status_code == 302
        assert attempt(client, "/accounts/login/", "alice", "password-alice").status_code == 302


def test_a_successful_login_clears_its_username_count(client, users):
    with later(0):
        for _ in range(3):
            attempt(client, "/accounts/login/", "alice")
    with later(3):
        assert attempt(client, "/accounts/login/", "alice", "password-alice").status_code == 302
        client.logout()
        for _ in range(3):
            assert attempt(client, "/accounts/login/", "alice").status_code == 200


def test_reading_the_login_page_is_never_throttled(client, users):
    with later(0):
        for _ in range(6):
            attempt(client, "/accounts/login/", "alice")
        assert client.get("/accounts/login/", REMOTE_ADDR=ADDR).status_code == 200


def test_counts_are_shared_through_redis_when_cache_url_is_set(client, users, settings):
    """Production sets CACHE_URL so every gunicorn worker sees the same counts."""
    require_redis()
    url = os.environ.get("BANWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    from django.core.cache import caches

    caches["default"].clear()
    try:
        with later(0):
            for _ in range(3):
                attempt(client, "/accounts/login/", "alice")
            assert redis.Redis.from_url(url).keys("*login-failures:user:*")  # where another worker would look
            assert attempt(client, "/accounts/login/", "alice", "password-alice").status_code == 429
    finally:
        caches["default"].clear()
