"""Error answers: 503 with Retry-After while the database is unreachable, JSON 404s under /api/.

During a PostgreSQL restart or failover a request fails to connect, or its
connection is cut (admin shutdown, terminated backend). Nothing the request
did is committed then, so the client may safely send it again: a feed vendor
resends the batch (duplicates are stored once), a browser reloads. A 503 with
Retry-After says exactly that; a 500 would say the request itself was wrong.
The next request reconnects (CONN_HEALTH_CHECKS in settings).
"""

import json
import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

log = logging.getLogger(__name__)

API_DETAIL = "The database is temporarily unavailable. Nothing was stored; send the request again after Retry-After."


class DatabaseUnavailableMiddleware:
    """Turn a view's lost or refused database connection into 503 + Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.warning("database unavailable, answering 503: %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """Return the 503: JSON for the API, a short Dutch (or English) text for pages."""
    if request.path.startswith("/api/"):
        body, content_type = json.dumps({"detail": API_DETAIL, "code": "database_unavailable"}), "application/json"
    else:
        body = _("Banwatch is even niet bereikbaar. Probeer het over enkele seconden opnieuw.")
        content_type = "text/plain; charset=utf-8"
    response = HttpResponse(body, status=503, content_type=content_type)
    response["Retry-After"] = str(settings.DB_UNAVAILABLE_RETRY_AFTER_SECONDS)
    return response


def not_found(request, exception=None):
    """Answer a path that matches no route: the API's error shape under /api/, the HTML page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": _("Niet gevonden.")}, status=404)
    return defaults.page_not_found(request, exception)


def forbidden(request, exception=None):
    """Answer a refused request: the API's error shape under /api/, the Dutch (or English) page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": _("U heeft geen toegang tot deze gegevens.")}, status=403)
    return defaults.permission_denied(request, exception)


def server_error(request):
    """Answer an unhandled error without touching the database or the session: they may be the cause."""
    if _is_api(request):
        return JsonResponse({"detail": _("Interne fout; de fout is vastgelegd.")}, status=500)
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def _is_api(request) -> bool:
    return request.path.startswith(("/api/", "/monitor/api/"))
