"""Pages and JSON endpoints of the centre's casework: victim contact, checklist, handover, statistics."""

import csv

from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from geofence.models import Incident
from registry.audit_reads import record_read

from . import casework, handover, stats_report
from .access import operator_json, operator_page
from .casework_panel import panel
from .models import ContactResult
from .services import ActionError
from .views import JSON_OBJECT, MONITOR_TAG, NOT_MODIFIED, _page_context, json_with_etag

CASEWORK_ANSWERS = {200: JSON_OBJECT, 400: JSON_OBJECT, 403: JSON_OBJECT, 404: JSON_OBJECT, 422: JSON_OBJECT}


def _incident(pk: int, user) -> Incident | None:
    # Outside the user's regions an incident does not exist for them (404), as on the board.
    return Incident.objects.visible_to(user).select_related("protected_person").filter(pk=pk).first()


def _unknown() -> JsonResponse:
    return JsonResponse({"detail": _("Onbekend incident.")}, status=404)


def _body(request) -> dict:
    return request.data if isinstance(request.data, dict) else {}


def _answer(request, incident: Incident, write) -> JsonResponse:
    """Run a casework write; answer the refreshed panel, or the refusal with its field."""
    try:
        extra = write() or {}
    except ActionError as error:
        return JsonResponse({"detail": error.message, **error.extra}, status=error.status)
    response = JsonResponse(panel(_incident(incident.pk, request.user), request.user) | extra)
    response["Cache-Control"] = "no-store"
    return response


@extend_schema(
    operation_id="monitor_incident_casework", tags=MONITOR_TAG, responses={200: JSON_OBJECT, 304: NOT_MODIFIED}
)
@api_view(["GET"])
@permission_classes([AllowAny])
@operator_json
def casework_data(request, pk: int):
    incident = _incident(pk, request.user)
    if incident is None:
        return _unknown()
    record_read(request, "monitor.casework", [incident], target=incident)
    return json_with_etag(request, panel(incident, request.user))


@extend_schema(
    operation_id="monitor_victim_phone_reveal",
    tags=MONITOR_TAG,
    request=inline_serializer(
        "VictimPhoneRevealRequest",
        {
            "purpose": serializers.ChoiceField(list(casework.PURPOSES)),
            "purpose_text": serializers.CharField(required=False, max_length=casework.PURPOSE_MAX_LENGTH),
        },
    ),
    responses=CASEWORK_ANSWERS,
)
@api_view(["POST"])
@permission_classes([AllowAny])
@operator_json
def victim_reveal(request, pk: int):
    incident = _incident(pk, request.user)
    if incident is None:
        return _unknown()
    body = _body(request)
    purpose, text = str(body.get("purpose", "")), str(body.get("purpose_text", ""))
    return _answer(
        request, incident, lambda: {"revealed": casework.reveal_victim_phone(incident, request.user, purpose, text)}
    )


@extend_schema(
    operation_id="monitor_victim_contact_create",
    tags=MONITOR_TAG,
    request=inline_serializer(
        "VictimContactRequest",
        {
            "result": serializers.ChoiceField(ContactResult.choices),
            "at": serializers.DateTimeField(required=False, help_text="When; local time without offset. Default now."),
            "note": serializers.CharField(required=False),
        },
    ),
    responses=CASEWORK_ANSWERS,
)
@api_view(["POST"])
@permission_classes([AllowAny])
@operator_json
def victim_contacts(request, pk: int):
    incident = _incident(pk, request.user)
    if incident is None:
        return _unknown()
    body = _body(request)
    fields = [str(body.get(name, "")) for name in ("result", "at", "note")]
    return _answer(request, incident, lambda: casework.log_contact(incident, request.user, *fields) and None)


@extend_schema(
    operation_id="monitor_checklist_tick",
    tags=MONITOR_TAG,
    request=inline_serializer("ChecklistTickRequest", {"item": serializers.CharField()}),
    responses=CASEWORK_ANSWERS,
)
@api_view(["POST"])
@permission_classes([AllowAny])
@operator_json
def checklist_tick(request, pk: int):
    incident = _incident(pk, request.user)
    if incident is None:
        return _unknown()
    item = str(_body(request).get("item", ""))
    return _answer(request, incident, lambda: casework.tick_step(incident, request.user, item) and None)


@method_decorator(operator_page, name="dispatch")
class HandoverView(View):
    """The shift handover page; the outgoing operator posts a note to it."""

    def get(self, request):
        return self._render(request, handover.since_from(request.GET.get("since")))

    def post(self, request):
        since_text = request.POST.get("since", "")
        try:
            handover.write_note(request.user, request.POST.get("text", ""))
        except ValueError as error:
            return self._render(request, handover.since_from(since_text), note_error=str(error), status=400)
        query = urlencode({"since": since_text}) if since_text else ""
        return HttpResponseRedirect(request.path + ("?" + query if query else ""), status=303)

    def _render(self, request, since_and_error, note_error: str = "", status: int = 200):
        since, since_error = since_and_error
        summary = handover.summary(since, request.user)
        record_read(request, "monitor.handover", summary.pop("shown_incidents"))
        context = _page_context(
            "handover",
            since=timezone.localtime(since).strftime("%Y-%m-%dT%H:%M"),
            since_error=since_error,
            note_error=note_error,
            note_text=request.POST.get("text", "") if note_error else "",
            **summary,
        )
        return render(request, "monitor/centre/handover.html", context, status=400 if since_error else status)


@operator_page
@require_GET
def statistics_page(request):
    try:
        period = stats_report.period_from(request.GET)
    except stats_report.PeriodError as error:
        context = _page_context("statistics", error=error, params=request.GET)
        return render(request, "monitor/centre/statistics.html", context, status=400)
    data = stats_report.figures(period)
    context = _page_context(
        "statistics",
        period=period,
        charts=stats_report.charts(period, data),
        waits=[(f"P{p}" if p else _("alle"), row) for p, row in data["waits"].items()],
        false=data["false"],
        uptime=data["uptime"],
        export_query=urlencode({"from": period.first.isoformat(), "to": period.last.isoformat()}),
    )
    return render(request, "monitor/centre/statistics.html", context)


@operator_page
@require_GET
def statistics_csv(request):
    try:
        period = stats_report.period_from(request.GET)
    except stats_report.PeriodError as error:
        return JsonResponse({"detail": error.message, "field": error.field}, status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"banwatch-statistiek-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    for row in stats_report.csv_rows(period, stats_report.figures(period)):
        writer.writerow(row)
    return response
