"""Error pages: JSON for the API, Django's HTML for everything else."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def not_found(request, exception=None):
    """Answer a path that matches no route: the API's error shape under /api/, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Niet gevonden.")}, status=404)
    return defaults.page_not_found(request, exception)
