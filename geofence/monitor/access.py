"""Who may use the monitoring dashboard: operators and supervisors, nobody else.

Pages send an anonymous visitor to the login page; JSON endpoints answer 401
instead, because a redirect to an HTML form is useless to the page's scripts.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext as _

from registry.roles import Role, has_role

MONITOR_ROLES = (Role.MONITORING_OPERATOR, Role.SUPERVISOR)


def is_monitor_user(user) -> bool:
    """Return True when the user may watch and act on incidents."""
    return user.is_authenticated and has_role(user, *MONITOR_ROLES)


def operator_page(view):
    """Guard an HTML view: login redirect for anonymous users, 403 for other roles."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_monitor_user(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def operator_json(view):
    """Guard a JSON view: 401 for anonymous users, 403 for other roles."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            response = JsonResponse({"detail": _("Log eerst in.")}, status=401)
            response["WWW-Authenticate"] = 'Session realm="monitor"'
            return response
        if not is_monitor_user(request.user):
            return JsonResponse({"detail": _("Uw rol geeft geen toegang tot de meldkamer.")}, status=403)
        return view(request, *args, **kwargs)

    return wrapper
