"""The OM reports API: operators and registrars draft and send, registrars record the OM's assessment.

Supervisors read. Police officers have no access: the report goes to the OM.
"""

from django.http import HttpResponse, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from geofence.models import Incident
from registry.api.errors import Conflict
from registry.audit_reads import AuditedReadMixin
from registry.permissions import role_permission
from registry.roles import Role

from . import services
from .models import ViolationReport
from .serializers import AssessmentSerializer, DraftSerializer, ViolationReportSerializer

ReportPermission = role_permission(Role.REGISTRAR, Role.MONITORING_OPERATOR, read_roles=(Role.SUPERVISOR,))
AssessmentPermission = role_permission(Role.REGISTRAR)


class ViolationReportViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [ReportPermission]
    audit_skip_actions = ("pdf", "export_json")  # services.report_pdf and report_json audit the export
    serializer_class = ViolationReportSerializer
    filterset_fields = ["status", "outcome", "incident"]
    queryset = ViolationReport.objects.select_related("incident").order_by("-id")

    def get_queryset(self):
        # Operators see the reports of their regions' incidents (registry/regions.py).
        return super().get_queryset().filter(incident__in=Incident.objects.visible_to(self.request.user))

    def get_permissions(self):
        if self.action == "assessment":
            return [AssessmentPermission()]
        return super().get_permissions()

    @extend_schema(request=DraftSerializer, responses={201: ViolationReportSerializer, 200: ViolationReportSerializer})
    def create(self, request):
        """Confirm an incident as a violation and draft its report (returns the existing one if drafted)."""
        params = DraftSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        if not Incident.objects.visible_to(request.user).filter(pk=params.validated_data["incident"].pk).exists():
            raise NotFound
        try:
            data = params.validated_data
            report, created = services.draft_report(data["incident"], request.user, data["basis"], data["note"])
        except services.ReportStateError as exc:
            raise Conflict(str(exc)) from exc
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ViolationReportSerializer(report).data, status=code)

    @extend_schema(responses=ViolationReportSerializer(many=True))
    @action(detail=False, url_path="overdue")
    def overdue(self, request):
        """List reports sent to the OM but not assessed within OM_ASSESSMENT_DUE_DAYS (oldest first)."""
        reports = self.get_queryset().assessment_overdue().order_by("sent_at", "id")
        page = self.paginate_queryset(reports)
        return self.get_paginated_response(ViolationReportSerializer(page, many=True).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, url_path="pdf")
    def pdf(self, request, pk=None):
        """Export the report as PDF, with the track map and the closest distance."""
        report = services.refresh_facts(self.get_object())
        response = HttpResponse(services.report_pdf(report, request.user), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{report.filename_stem}.pdf"'
        return response

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    @action(detail=True, url_path="json")
    def export_json(self, request, pk=None):
        """Export the report's facts as JSON: the same facts the PDF shows, with every fix of the track."""
        report = services.refresh_facts(self.get_object())
        response = JsonResponse(services.report_json(report, request.user), json_dumps_params={"ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="{report.filename_stem}.json"'
        return response

    @extend_schema(request=None, responses=ViolationReportSerializer)
    @action(detail=True, methods=["post"], url_path="sent")
    def sent(self, request, pk=None):
        """Freeze the report and record that it went to the OM."""
        try:
            report = services.mark_sent(self.get_object(), request.user)
        except services.ReportStateError as exc:
            raise Conflict(str(exc)) from exc
        return Response(ViolationReportSerializer(report).data)

    @extend_schema(request=AssessmentSerializer, responses=ViolationReportSerializer)
    @action(detail=True, methods=["post"], url_path="assessment")
    def assessment(self, request, pk=None):
        """Record the OM's assessment: prosecution, warning, execution of the sentence, or no further action."""
        report = self.get_object()
        params = AssessmentSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        try:
            report = services.record_assessment(report, request.user, **params.validated_data)
        except services.ReportStateError as exc:
            raise Conflict(str(exc)) from exc
        return Response(ViolationReportSerializer(report).data)
