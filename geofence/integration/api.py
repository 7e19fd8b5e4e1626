"""The integration API: devices, device assignments and incidents. Thin views over geofence.feeds.devices.

Who may do what (docs/integration-api.md): the registrar registers devices and
assignments, as the registrar owns every other registry fact; a vendor, by its
feed key, registers, retires and replaces only its own devices and never sees who
wears them; supervisors and operators read. Incidents are for the monitoring
centre (operators and supervisors), as on the dashboard.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from config.accounts.tokens import ApiTokenAuthentication
from geofence.feeds import devices as device_services
from geofence.feeds.auth import IsVendor, VendorApiKeyAuthentication
from geofence.models import Device, DeviceAssignment, IncidentEvent, VendorApiKey
from registry.audit_reads import AuditedReadMixin
from registry.models import AuditEntry
from registry.permissions import role_permission
from registry.regions import persons_in_regions, protected_in_regions, regions_of
from registry.roles import Role

from .filters import AssignmentFilter, DeviceFilter, IncidentFilter
from .queries import incidents_for
from .serializers import (
    AssignmentSerializer,
    DeviceSerializer,
    EndAssignmentSerializer,
    IncidentDetailSerializer,
    IncidentSerializer,
    RegisteredDeviceSerializer,
    ReplacedSerializer,
    ReplaceSerializer,
    RetireSerializer,
)

RegistrarWritesCentreReads = role_permission(Role.REGISTRAR, read_roles=(Role.SUPERVISOR, Role.MONITORING_OPERATOR))
MonitoringCentre = role_permission(Role.MONITORING_OPERATOR, Role.SUPERVISOR)
_CONFLICT = OpenApiResponse(description="The device or assignment does not allow this (code says why).")


def is_vendor(request) -> bool:
    return isinstance(request.auth, VendorApiKey)


class DeviceConflictError(APIException):
    """409 with a code a client can act on: {"detail": ..., "code": ...}."""

    status_code = status.HTTP_409_CONFLICT

    def __init__(self, exc: device_services.DeviceConflict) -> None:
        super().__init__(str(exc), exc.code)
        self.detail = {"detail": str(exc), "code": exc.code}


class ServiceConflictMixin:
    def handle_exception(self, exc):
        if isinstance(exc, device_services.DeviceConflict):
            exc = DeviceConflictError(exc)
        return super().handle_exception(exc)


@extend_schema_view(
    list=extend_schema(summary="List devices (a vendor: its own)"),
    retrieve=extend_schema(summary="One device"),
    create=extend_schema(
        summary="Register a device",
        description=(
            "Fixes the device sent while unregistered (kept in quarantine as unknown_device) are stored and "
            "judged now; `attributed_fixes` says how many."
        ),
        responses={201: RegisteredDeviceSerializer, 409: _CONFLICT},
    ),
)
class DeviceViewSet(
    ServiceConflictMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication, VendorApiKeyAuthentication]
    permission_classes = [IsVendor | RegistrarWritesCentreReads]
    serializer_class = DeviceSerializer
    filterset_class = DeviceFilter

    def get_queryset(self):
        devices = Device.objects.select_related("vendor").order_by("vendor__slug", "device_id")
        if is_vendor(self.request):
            return devices.filter(vendor=self.request.auth.vendor)
        # A region-bound operator reads the devices worn in their regions only (registry/regions.py).
        return devices.filter(pk__in=Device.objects.visible_to(self.request.user).values("pk"))

    def create(self, request):
        body = DeviceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        vendor = self._vendor(data.get("vendor"))
        device, attributed = device_services.register_device(
            vendor, data["device_id"], actor=request.user, kind=data["kind"], model=data.get("model", "")
        )
        device.attributed_fixes = attributed
        return Response(RegisteredDeviceSerializer(device).data, status=status.HTTP_201_CREATED)

    def _vendor(self, named):
        if is_vendor(self.request):
            if named is not None and named != self.request.auth.vendor:
                raise ValidationError({"vendor": [_("Een leverancier registreert alleen eigen apparaten.")]})
            return self.request.auth.vendor
        if named is None:
            raise ValidationError({"vendor": [_("Geef de leverancier (code).")]})
        return named

    @extend_schema(
        summary="Retire a device",
        description="Refused (409, device_assigned) while the device is assigned now or later: replace it instead.",
        request=RetireSerializer,
        responses={200: DeviceSerializer, 409: _CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        device = self.get_object()
        body = RetireSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        device = device_services.retire_device(device, actor=request.user, reason=body.validated_data["reason"])
        return Response(DeviceSerializer(device).data)

    @extend_schema(
        summary="Replace a device",
        description=(
            "Ends the assignment in force at `at` (default now) on this device, starts the same wearer on "
            "`new_device` from then until the old end, and retires this device. Both assignments stay in the "
            "history (`GET /api/v1/assignments/?device=`)."
        ),
        request=ReplaceSerializer,
        responses={200: ReplacedSerializer, 409: _CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def replace(self, request, pk=None):
        old = self.get_object()
        body = ReplaceSerializer(data=request.data, devices=self.get_queryset())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        moved = device_services.replace_device(
            old, data["new_device"], actor=request.user, reason=data["reason"], at=data.get("at")
        )
        old.refresh_from_db()
        return Response(ReplacedSerializer({"retired": old, "replacement": moved.device}).data)


@extend_schema_view(
    list=extend_schema(summary="List device assignments (who wears which device when)"),
    retrieve=extend_schema(summary="One device assignment"),
    create=extend_schema(
        summary="Start a device assignment",
        description="Times are ISO 8601 with an offset; a time without one is refused (400, field message).",
        responses={201: AssignmentSerializer, 409: _CONFLICT},
    ),
)
class AssignmentViewSet(
    AuditedReadMixin,
    ServiceConflictMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [RegistrarWritesCentreReads]
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    queryset = DeviceAssignment.objects.order_by("device_id", "-valid_from", "-id")

    def get_queryset(self):
        # A region-bound operator reads the assignments of persons and protected persons in their regions.
        regions = regions_of(self.request.user)
        in_region = persons_in_regions(regions, "person_id") | protected_in_regions(regions, "protected_person_id")
        return super().get_queryset().filter(in_region) if regions is not None else super().get_queryset()

    def create(self, request):
        body = AssignmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        row = device_services.start_assignment(
            data["device"],
            actor=request.user,
            valid_from=data["valid_from"],
            valid_until=data.get("valid_until"),
            person=data.get("person"),
            protected_person=data.get("protected_person"),
        )
        return Response(AssignmentSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="End a device assignment",
        request=EndAssignmentSerializer,
        responses={200: AssignmentSerializer, 409: _CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        row = self.get_object()
        body = EndAssignmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        row = device_services.end_assignment(
            row, actor=request.user, at=data["valid_until"], reason=data.get("reason", "")
        )
        return Response(AssignmentSerializer(row).data)


@extend_schema_view(
    list=extend_schema(
        summary="List incidents",
        description=(
            "Every incident of any age, closed ones included, newest first, 50 a page. Poll with "
            "`changed_after` (the `updated_at` of the newest row seen) to follow changes."
        ),
    ),
    retrieve=extend_schema(summary="One incident with its timeline"),
)
class IncidentViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [MonitoringCentre]
    filterset_class = IncidentFilter

    def get_queryset(self):
        incidents = incidents_for(self.request.user)
        if self.action == "retrieve":
            timeline = IncidentEvent.objects.order_by("at", "id")
            incidents = incidents.prefetch_related(Prefetch("timeline", queryset=timeline))
        return incidents

    def get_serializer_class(self):
        return IncidentDetailSerializer if self.action == "retrieve" else IncidentSerializer

    def finalize_response(self, request, response, *args, **kwargs):
        if request.method == "GET" and response.status_code == 200 and self.action in ("list", "retrieve"):
            data = response.data
            rows = data.get("results", []) if self.action == "list" else [data]
            AuditEntry.record(
                request.user,
                f"incident.api_{self.action}",
                person_ids=sorted({row["person"] for row in rows if row.get("person")}),
                incident_ids=[row["id"] for row in rows],
                query=request.GET.dict(),
            )
        return super().finalize_response(request, response, *args, **kwargs)
