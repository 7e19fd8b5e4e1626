"""The overview map's page and JSON, and the incident replay's JSON (views.py holds the board's)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from geofence.models import Incident
from registry.audit_reads import record_read
from registry.roles import may_see_protected_persons

from . import overview, queries
from .access import operator_json, operator_page
from .replay import replay_data
from .tiles import tile_context
from .views import (
    BOARD_FILTERS,
    JSON_OBJECT,
    MONITOR_TAG,
    NOT_MODIFIED,
    _etag,
    _filters,
    _not_modified,
    _page_context,
    json_with_etag,
)

DEVICES_FILTER = OpenApiParameter("devices", str, enum=list(overview.DEVICE_SHOW))


def _device_show(request) -> str:
    value = request.GET.get("devices", "")
    return value if value in overview.DEVICE_SHOW else "all"


@operator_page
@require_GET
def overview_page(request):
    filters = _filters(request)
    fields = [
        {"name": "type", "label": _("Soort"), "value": filters.type, "choices": overview.type_choices()},
        {"name": "region", "label": _("Regio"), "value": filters.region, "choices": overview.region_choices()},
        {
            "name": "devices",
            "label": _("Apparaten"),
            "value": _device_show(request),
            "choices": [("all", _("alle")), ("problems", _("alleen met probleem")), ("none", _("verbergen"))],
        },
    ]
    return render(request, "monitor/overview.html", _page_context("map", filters=fields, **tile_context()))


@extend_schema(
    operation_id="monitor_map_retrieve",
    tags=MONITOR_TAG,
    parameters=BOARD_FILTERS + [DEVICES_FILTER],
    responses={200: JSON_OBJECT, 304: NOT_MODIFIED},
)
@api_view(["GET"])
@permission_classes([AllowAny])
@operator_json
def overview_data(request):
    filters, show = _filters(request), _device_show(request)
    see_victims = may_see_protected_persons(request.user)
    # The board's fingerprint plus the devices' states: an unchanged map is a bodiless 304, as on the board.
    etag = _etag(
        f"{queries.board_fingerprint(filters, request.user)}|{overview.devices_fingerprint()}|{show}|{see_victims}"
    )
    if request.headers.get("If-None-Match") == etag:
        return _not_modified(etag)
    now = timezone.now()
    incidents = queries.board_incidents(filters, request.user, now)
    payload = {
        "incidents": overview.incident_points(incidents),
        "unplaced": sum(1 for i in incidents if getattr(i, "monitor_position", None) is None),
        "devices": overview.device_points(request.user, filters.region, show, see_victims, now),
        "server_now": now.isoformat(),
    }
    record_read(request, "monitor.map", person_ids=[i.person_id for i in incidents if i.person_id])
    return json_with_etag(request, payload, etag=etag)


@extend_schema(
    operation_id="monitor_incident_replay", tags=MONITOR_TAG, responses={200: JSON_OBJECT, 304: NOT_MODIFIED}
)
@api_view(["GET"])
@permission_classes([AllowAny])
@operator_json
def replay(request, pk: int):
    # Outside the user's regions an incident does not exist for them (404), as on the board.
    incident = Incident.objects.visible_to(request.user).select_related("ban__decision", "device").filter(pk=pk).first()
    if incident is None:
        return JsonResponse({"detail": _("Onbekend incident.")}, status=404)
    record_read(request, "monitor.replay", [incident], target=incident)
    return json_with_etag(request, replay_data(incident))
