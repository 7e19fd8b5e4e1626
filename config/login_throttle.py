"""Throttle password guessing on the login forms (/accounts/login/ and the admin's).

Failed attempts are counted per username and per client address in the
cache, in a fixed window; at the limit, further POSTs to a login form are
refused with 429 and Retry-After before the password is even checked. A
successful login clears its username's count, not the address's: one known
account must not reset the budget for guessing others from the same address.

The counts live in the default cache: per process with the embedded default
(LocMem), shared by all workers when CACHE_URL points at Redis (production).
"""

import hashlib

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import reverse

PREFIX = "login-failures"


def _keys(request, username: str) -> list[str]:
    # Hashed: usernames are user input, and cache keys have a length and character limit.
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    return [f"{PREFIX}:user:{name}", f"{PREFIX}:addr:{request.META.get('REMOTE_ADDR', '')}"]


def _limits() -> list[int]:
    return [settings.LOGIN_FAILURES_PER_USERNAME, settings.LOGIN_FAILURES_PER_ADDRESS]


def is_blocked(request, username: str) -> bool:
    """Return whether this username or this address has used up its failed attempts."""
    counts = cache.get_many(_keys(request, username))
    return any(counts.get(key, 0) >= limit for key, limit in zip(_keys(request, username), _limits(), strict=True))


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs) -> None:
    if request is None:
        return
    for key in _keys(request, credentials.get("username", "")):
        # add() starts the window; incr() keeps its expiry.
        if not cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS)


@receiver(user_logged_in)
def clear_username(sender, request, user, **kwargs) -> None:
    if request is not None:
        cache.delete(_keys(request, user.get_username())[0])


class LoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_login = request.method == "POST" and request.path in (reverse("login"), reverse("admin:login"))
        if is_login and is_blocked(request, request.POST.get("username", "")):
            return _refusal(request)
        return self.get_response(request)


def _refusal(request):
    minutes = max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
    response = render(request, "registration/throttled.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return response
