"""Slow down password guessing on the login forms (/accounts/login/ and the admin's) without locking anyone out.

Two rules, both kept in the default cache for LOGIN_FAILURE_WINDOW_SECONDS:

- Per username: the first LOGIN_FREE_FAILURES failures cost nothing; after that
  each attempt must wait 2, 4, 8... seconds (at most LOGIN_MAX_DELAY_SECONDS)
  after the previous failure. A guesser gets a few hundred tries a day; the
  real user, typing the right password after the wait, gets in. No one can
  lock another user out, only slow them down for a minute.
- Per client address, unknown usernames only: after
  LOGIN_UNKNOWN_USERNAMES_PER_ADDRESS failures with names that do not exist,
  the address may try no more unknown names. Known usernames are never refused
  because of the address: behind a proxy, or in one police station, many
  people share an address, and a colleague's typos must not shut them out.

The client address is REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in
front, the address the outermost trusted proxy saw (config/client_address.py).
Why not django-axes: axes locks out after a number of failures (its cool-off
is a lockout with a timer), and its address rule counts every username; both
are what this module exists to avoid, and the rules above fit in a page.

The counts live in the default cache: per process with the embedded default
(LocMem), shared by all workers when CACHE_URL points at Redis (production).
"""

import hashlib
import math
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import reverse

from .client_address import client_address

PREFIX = "login-failures"


def _user_key(username: str) -> str:
    # Hashed: usernames are user input, and cache keys have a length and character limit.
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    return f"{PREFIX}:user:{name}"


def _address_key(request) -> str:
    return f"{PREFIX}:addr:{client_address(request)}"


def is_known(username: str) -> bool:
    """Return whether an account of this name exists (the backend matches it exactly; the throttle ignores case)."""
    return get_user_model()._default_manager.filter(username__iexact=username.strip()).exists()


def delay_after(failures: int) -> int:
    """Return the seconds an attempt must wait after the last of this many failures."""
    if failures < settings.LOGIN_FREE_FAILURES:
        return 0
    return min(2 ** (failures - settings.LOGIN_FREE_FAILURES + 1), settings.LOGIN_MAX_DELAY_SECONDS)


def wait_seconds(request, username: str, now: float | None = None) -> int:
    """Return how long this attempt must wait (0: it may go ahead)."""
    now = time.time() if now is None else now
    failures, last = cache.get(_user_key(username), (0, 0.0))
    wait = last + delay_after(failures) - now
    if wait > 0:
        return math.ceil(wait)
    unknown = cache.get(_address_key(request), 0)
    if unknown >= settings.LOGIN_UNKNOWN_USERNAMES_PER_ADDRESS and not is_known(username):
        return settings.LOGIN_FAILURE_WINDOW_SECONDS
    return 0


def unlock(username: str) -> None:
    """Forget a username's failures: its next attempt goes ahead at once."""
    cache.delete(_user_key(username))


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs) -> None:
    if request is None:
        return
    username = credentials.get("username", "")
    failures, _last = cache.get(_user_key(username), (0, 0.0))
    cache.set(_user_key(username), (failures + 1, time.time()), settings.LOGIN_FAILURE_WINDOW_SECONDS)
    if not is_known(username):
        _increment(_address_key(request))


def _increment(key: str) -> None:
    # add() starts the window; incr() keeps its expiry.
    if not cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS)


@receiver(user_logged_in)
def clear_username(sender, request, user, **kwargs) -> None:
    unlock(user.get_username())


class LoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in (reverse("login"), reverse("admin:login")):
            wait = wait_seconds(request, request.POST.get("username", ""))
            if wait:
                return _refusal(request, wait)
        return self.get_response(request)


def _refusal(request, wait: int):
    minutes = max(1, math.ceil(wait / 60))
    response = render(request, "registration/throttled.html", {"minutes": minutes, "seconds": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response
