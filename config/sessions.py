"""Session lifetime: an idle timeout per role, an absolute timeout, and signing out everywhere.

A session left open on a shared screen in a monitoring centre or a police
car is someone else's access. Each request of a signed-in user refreshes the
session's last-seen time (at most once a minute, so the dashboard's polling
does not write the session every second); past the idle timeout of the user's
roles, or SESSION_ABSOLUTE_HOURS after signing in, the request goes on as
anonymous and so meets the login page (pages) or 401/403 (the JSON API).
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.dispatch import receiver
from django.utils import timezone

from registry.roles import roles_of

SIGNED_IN_AT = "banwatch_signed_in_at"
LAST_SEEN = "banwatch_last_seen"
# Seconds between two writes of the last-seen time.
LAST_SEEN_RESOLUTION = 60


def idle_minutes(user) -> int:
    """Return the idle timeout of the user: the longest one among their roles, else the default."""
    by_role = settings.SESSION_IDLE_MINUTES_BY_ROLE
    return max((by_role[role] for role in roles_of(user) if role in by_role), default=settings.SESSION_IDLE_MINUTES)


def has_expired(session, user, now: float) -> bool:
    """Return whether the session outlived its idle or absolute timeout."""
    signed_in = session.get(SIGNED_IN_AT, now)
    last_seen = session.get(LAST_SEEN, now)
    return now - last_seen > idle_minutes(user) * 60 or now - signed_in > settings.SESSION_ABSOLUTE_HOURS * 3600


@receiver(user_logged_in)
def stamp_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = time.time()


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            self._check(request, user, time.time())
        return self.get_response(request)

    def _check(self, request, user, now: float) -> None:
        session = request.session
        if has_expired(session, user, now):
            logout(request)
            return
        session.setdefault(SIGNED_IN_AT, now)
        if now - session.get(LAST_SEEN, 0) >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN] = now


def end_all_sessions(user) -> int:
    """Delete every session of the user (all browsers and devices); return how many there were."""
    user_id = str(user.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
