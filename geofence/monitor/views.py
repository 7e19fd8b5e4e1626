"""Pages and JSON endpoints of the monitoring dashboard. Queries live in queries.py, writes in services.py."""

import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from geofence.models import CloseOutcome, Incident, IncidentState, IncidentType
from registry.audit_reads import record_read
from registry.models import RiskLevel
from registry.roles import may_see_protected_persons

from . import health, presenters, queries, services
from .access import operator_json, operator_page
from .detail import incident_detail
from .device_links import add_links
from .labels import PoliceRegion, script_labels
from .tiles import tile_context

# The JSON endpoints are DRF views, so they parse bodies with the API's strict JSON parser (a deep or
# malformed body is a 400) and appear in the OpenAPI schema; operator_json still decides who may call them.
MONITOR_TAG = ["monitor"]
JSON_OBJECT = OpenApiResponse(OpenApiTypes.OBJECT)
NOT_MODIFIED = OpenApiResponse(description="Unchanged since the ETag in If-None-Match.")
BOARD_FILTERS = [
    OpenApiParameter("type", str, enum=IncidentType.values),
    OpenApiParameter("region", str, enum=PoliceRegion.values),
    OpenApiParameter("risk", str, enum=RiskLevel.values),
    OpenApiParameter("status", str, enum=IncidentState.values),
]


def _page_context(nav: str, **extra) -> dict:
    return {"nav": nav, "labels": script_labels(), "poll_ms": settings.MONITOR_POLL_INTERVAL_MS, **extra}


def _filters(request) -> queries.BoardFilters:
    def pick(name, choices):
        value = request.GET.get(name, "")
        return value if value in choices else ""

    return queries.BoardFilters(
        type=pick("type", IncidentType.values),
        region=pick("region", PoliceRegion.values),
        risk=pick("risk", RiskLevel.values),
        status=pick("status", IncidentState.values),
    )


def _filter_fields(filters: queries.BoardFilters) -> list[dict]:
    everything = [("", _("alle"))]
    return [
        {"name": "type", "label": _("Soort"), "value": filters.type, "choices": everything + IncidentType.choices},
        {"name": "region", "label": _("Regio"), "value": filters.region, "choices": everything + PoliceRegion.choices},
        {"name": "risk", "label": _("Risico"), "value": filters.risk, "choices": everything + RiskLevel.choices},
        {
            "name": "status",
            "label": _("Status"),
            "value": filters.status,
            "choices": [("", _("alle open"))] + [(s.value, s.label) for s in IncidentState],
        },
    ]


def _etag(text: str) -> str:
    return '"' + hashlib.blake2b(text.encode(), digest_size=12).hexdigest() + '"'


def _not_modified(etag: str) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    return response


def json_with_etag(request, payload: dict, etag: str | None = None) -> JsonResponse | HttpResponseNotModified:
    """Answer the payload with an ETag (of its content unless given); 304 when the client has it already."""
    etag = etag or _etag(json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True))
    if request.headers.get("If-None-Match") == etag:
        return _not_modified(etag)
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False}, encoder=DjangoJSONEncoder)
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache, private"
    return response


@operator_page
@require_GET
def board(request):
    filters = _filters(request)
    context = _page_context("board", filters=_filter_fields(filters), loaded_at=timezone.now().isoformat())
    return render(request, "monitor/board.html", context)


@extend_schema(
    operation_id="monitor_incidents_list",
    tags=MONITOR_TAG,
    parameters=BOARD_FILTERS,
    responses={200: JSON_OBJECT, 304: NOT_MODIFIED},
)
@api_view(["GET"])
@permission_classes([AllowAny])
@operator_json
def board_data(request):
    filters = _filters(request)
    # Most polls find nothing new: one aggregate query answers them with a bodiless 304.
    etag = _etag(queries.board_fingerprint(filters, request.user))
    if request.headers.get("If-None-Match") == etag:
        return _not_modified(etag)
    now = timezone.now()
    incidents = queries.board_incidents(filters, request.user, now)
    payload = {
        "incidents": [presenters.board_row(i, now) for i in incidents],
        "undelivered": [presenters.undelivered_row(a, now) for a in queries.undelivered_alerts(request.user)],
        "unregioned": queries.unregioned_open_incidents(),
        "server_now": now.isoformat(),
    }
    # The board names the subjects, never a protected person (the distance is a figure, not a place).
    record_read(request, "monitor.board", person_ids=[i.person_id for i in incidents if i.person_id])
    return json_with_etag(request, payload, etag=etag)


@operator_page
@require_GET
def incident_page(request, pk: int):
    if not Incident.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    context = _page_context(
        "board",
        incident_id=pk,
        outcomes=CloseOutcome.choices,
        show_protected=may_see_protected_persons(request.user),
        **tile_context(),
    )
    return render(request, "monitor/incident.html", context)


def incident_payload(request, pk: int) -> dict | None:
    """Return everything the incident page shows, as seen by this user (None outside their regions); audited."""
    incident = queries.incident_for_page(pk, request.user)
    if incident is None:
        return None
    payload = incident_detail(incident, request.user)
    # The exact zone, its description and the protected location are the victims' data.
    record_read(request, "monitor.incident", [incident], target=incident)
    return payload


@extend_schema(
    operation_id="monitor_incident_retrieve", tags=MONITOR_TAG, responses={200: JSON_OBJECT, 304: NOT_MODIFIED}
)
@api_view(["GET"])
@permission_classes([AllowAny])
@operator_json
def incident_data(request, pk: int):
    payload = incident_payload(request, pk)
    if payload is None:
        return JsonResponse({"detail": _("Onbekend incident.")}, status=404)
    return json_with_etag(request, payload)


ACTIONS = {
    "acknowledge": lambda pk, user, version, body: services.acknowledge(pk, user, version),
    "assign": lambda pk, user, version, body: services.assign(pk, user, version, body.get("operator")),
    "note": lambda pk, user, version, body: services.add_note(pk, user, version, str(body.get("text", ""))),
    "escalate": lambda pk, user, version, body: services.escalate(pk, user, version, note=str(body.get("note", ""))),
    "close": lambda pk, user, version, body: services.close(
        pk, user, version, str(body.get("outcome", "")), note=str(body.get("note", ""))
    ),
}

ACTION_BODY = inline_serializer(
    "IncidentActionRequest",
    {
        "version": serializers.IntegerField(help_text="The incident version the operator saw."),
        "text": serializers.CharField(required=False, help_text="note: the note's text."),
        "note": serializers.CharField(required=False, help_text="escalate, close: an optional note."),
        "outcome": serializers.ChoiceField(CloseOutcome.choices, required=False, help_text="close: the outcome."),
        "operator": serializers.IntegerField(required=False, help_text="assign: the user id of the operator."),
    },
)


@extend_schema(
    operation_id="monitor_incident_action",
    tags=MONITOR_TAG,
    parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(ACTIONS))],
    request=ACTION_BODY,
    responses={200: JSON_OBJECT, 409: JSON_OBJECT, 422: JSON_OBJECT},
)
@api_view(["POST"])
@permission_classes([AllowAny])
@operator_json
def incident_action(request, pk: int, action: str):
    try:
        body = request.data
        seen_version = int(body["version"])
    except (ValueError, KeyError, TypeError, OverflowError):
        message = _("Geef de versie van het incident mee die u zag.")
        return JsonResponse({"detail": message, "field": "version"}, status=400)
    if not Incident.objects.visible_to(request.user).filter(pk=pk).exists():
        return JsonResponse({"detail": _("Onbekend incident.")}, status=404)
    if action not in ACTIONS:
        return JsonResponse({"detail": _("Onbekende actie.")}, status=404)
    try:
        ACTIONS[action](pk, request.user, seen_version, body)
    except services.ActionError as error:
        return JsonResponse({"detail": error.message, **error.extra}, status=error.status)
    return JsonResponse(incident_payload(request, pk), encoder=DjangoJSONEncoder)


@operator_page
@require_GET
def devices(request):
    return render(request, "monitor/devices.html", _page_context("devices"))


@extend_schema(operation_id="monitor_devices_list", tags=MONITOR_TAG, responses={200: JSON_OBJECT, 304: NOT_MODIFIED})
@api_view(["GET"])
@permission_classes([AllowAny])
@operator_json
def devices_data(request):
    devices = list(queries.monitored_devices(request.user))
    wearers = [a for device in devices for a in device.current_assignments]
    record_read(request, "monitor.devices", wearers)
    return json_with_etag(request, {"devices": add_links(health.device_rows(devices), devices)})
