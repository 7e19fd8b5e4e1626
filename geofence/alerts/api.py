"""The alerts API: police dispatch acknowledges, operators list and retry, everyone may ask for health."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from geofence.models.incidents import NOTE_MAX_LENGTH
from registry.permissions import IsOperator, IsPoliceDispatch
from registry.roles import Role, has_role

from . import health, services
from .models import AlertOutbox, AlertStatus, PoliceOutcome


class AlertSerializer(serializers.ModelSerializer):
    # Blank until the police answer; a read-only model field would lose the blank choice in the schema.
    police_outcome = serializers.ChoiceField(choices=PoliceOutcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = AlertOutbox
        fields = [
            "alert_id",
            "incident_id",
            "change",
            "priority",
            "status",
            "attempts",
            "created_at",
            "next_attempt_at",
            "published_at",
            "last_error",
            "acknowledged_at",
            "acknowledged_by",
            "police_outcome",
            "police_note",
        ]
        read_only_fields = fields


class AlertDetailSerializer(AlertSerializer):
    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "message"]
        read_only_fields = fields


class AcknowledgementSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=PoliceOutcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH, default="")


class AlertStatusFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=AlertStatus.choices, required=False)


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Alerts in the outbox: delivery state and the police's acknowledgement."""

    queryset = AlertOutbox.objects.order_by("-created_at", "-pk")
    lookup_field = "alert_id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_permissions(self):
        return [IsPoliceDispatch()] if self.action == "ack" else [IsOperator()]

    def get_serializer_class(self):
        return AlertDetailSerializer if self.action == "retrieve" else AlertSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            return queryset
        query = AlertStatusFilter(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data.get("status")
        return queryset.filter(status=wanted) if wanted else queryset

    @extend_schema(request=AcknowledgementSerializer, responses={200: AlertSerializer, 409: None})
    @action(detail=True, methods=["post"])
    def ack(self, request, alert_id=None):
        """Record the police's outcome for an alert. Repeating the same outcome is harmless."""
        alert = self.get_object()
        body = AcknowledgementSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            alert, _changed = services.acknowledge(alert.alert_id, user=request.user, **body.validated_data)
        except services.AcknowledgementConflict as conflict:
            detail = _("Deze melding is al afgehandeld met een andere uitkomst.")
            return Response(
                {"detail": detail, "police_outcome": conflict.alert.police_outcome}, status=status.HTTP_409_CONFLICT
            )
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=None, responses={200: AlertSerializer, 409: None})
    @action(detail=True, methods=["post"])
    def retry(self, request, alert_id=None):
        """Give a dead-lettered alert a fresh set of delivery attempts."""
        alert = self.get_object()
        if not services.retry_dead_alerts([alert], user=request.user):
            detail = _("Alleen een melding waarvan de aflevering is mislukt kan opnieuw worden verstuurd.")
            return Response({"detail": detail, "status": alert.status}, status=status.HTTP_409_CONFLICT)
        alert.refresh_from_db()
        return Response(AlertSerializer(alert).data)


class HealthView(APIView):
    """Say whether alerts can flow: database, brokers, consuming workers, outbox backlog.

    Anyone may ask (a load balancer has no token) and gets only the status;
    operators and supervisors also get the figures. 503 when something fails.
    """

    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict, 503: dict})
    def get(self, request):
        report = health.check(scope=request.query_params.get("scope", "all"))
        code = status.HTTP_200_OK if report["status"] == "ok" else status.HTTP_503_SERVICE_UNAVAILABLE
        if not has_role(request.user, Role.MONITORING_OPERATOR, Role.SUPERVISOR):
            report = {"status": report["status"]}
        return Response(report, status=code)
