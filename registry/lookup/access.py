"""Who may look up persons, and the per-user throttle shared by the API and the page."""

from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle

from registry.permissions import role_permission
from registry.roles import Role, has_role

# Officers on the street, their supervisors, and the registry and monitoring staff who need the same answer.
LOOKUP_ROLES = (Role.POLICE_OFFICER, Role.SUPERVISOR, Role.MONITORING_OPERATOR, Role.REGISTRAR)
THROTTLE_SCOPE = "lookup"

CanLookUp = role_permission(*LOOKUP_ROLES)


def may_look_up(user) -> bool:
    return user.is_authenticated and has_role(user, *LOOKUP_ROLES)


class LookupThrottle(ScopedRateThrottle):
    """Count lookups per user; the rate is read from settings on each call so tests can change it."""

    scope_attr = "throttle_scope"

    def get_rate(self) -> str | None:
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)


class _PageView:
    throttle_scope = THROTTLE_SCOPE


def page_throttle_wait(request) -> float | None:
    """Return the seconds to wait when the user is over the lookup rate, else None (counts this lookup)."""
    throttle = LookupThrottle()
    if throttle.allow_request(request, _PageView()):
        return None
    return throttle.wait() or 1.0
