"""GET /metrics: the Prometheus exposition, for a scraper with METRICS_TOKEN or a logged-in supervisor."""

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from registry.roles import Role, has_role

from . import metrics


@require_GET
def metrics_view(request):
    if not metrics.bearer_token_ok(request.headers.get("Authorization", "")):
        if not request.user.is_authenticated:
            response = JsonResponse({"detail": _("Inloggen of een geldig token is vereist.")}, status=401)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        if not has_role(request.user, Role.SUPERVISOR):
            return JsonResponse({"detail": _("Uw rol geeft geen toegang tot deze functie.")}, status=403)
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
