"""The alerts API: police dispatch acknowledges, operators list and retry, everyone may ask for health."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from geofence.models import Incident
from geofence.models.incidents import NOTE_MAX_LENGTH
from registry.audit_reads import AuditedReadMixin
from registry.permissions import IsOperator, IsPoliceDispatch
from registry.regions import regions_of
from registry.roles import Role, has_role

from . import health, services
from .models import AlertOutbox, AlertStatus, DeliveryState, PoliceOutcome, PoliceStep


class PoliceStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = PoliceStep
        fields = ["outcome", "at", "by", "note"]
        read_only_fields = fields


class AlertSerializer(serializers.ModelSerializer):
    # Blank until the police answer; a read-only model field would lose the blank choice in the schema.
    police_outcome = serializers.ChoiceField(choices=PoliceOutcome.choices, allow_blank=True, read_only=True)
    delivery_state = serializers.ChoiceField(choices=DeliveryState.choices, read_only=True)
    police_steps = PoliceStepSerializer(many=True, read_only=True)

    class Meta:
        model = AlertOutbox
        fields = [
            "alert_id",
            "incident_id",
            "change",
            "priority",
            "status",
            "delivery_state",
            "attempts",
            "created_at",
            "next_attempt_at",
            "published_at",
            "last_error",
            "acknowledged_at",
            "acknowledged_by",
            "police_outcome",
            "police_note",
            "police_steps",
            "undelivered_seen_at",
            "undelivered_seen_by",
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
    status = serializers.ChoiceField(choices=DeliveryState.choices, required=False)


class AlertViewSet(AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Alerts in the outbox: delivery state and the police's acknowledgement; operators see their regions'."""

    audit_protected = False  # a message names its subject, never a protected person
    queryset = AlertOutbox.objects.prefetch_related("police_steps").order_by("-created_at", "-pk")
    lookup_field = "alert_id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def audit_rows(self) -> list:
        """Return the incidents behind the alerts shown: their subjects are the people the messages name."""
        return list(Incident.objects.filter(pk__in=[a.incident_id for a in self._audited_rows]))

    def get_permissions(self):
        return [IsPoliceDispatch()] if self.action == "ack" else [IsOperator()]

    def get_serializer_class(self):
        return AlertDetailSerializer if self.action == "retrieve" else AlertSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "ack" and regions_of(self.request.user) is not None:
            queryset = queryset.filter(incident_id__in=Incident.objects.visible_to(self.request.user).values("pk"))
        if self.action != "list":
            return queryset
        query = AlertStatusFilter(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return _with_state(queryset, query.validated_data.get("status"))

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
        """Try to deliver a pending alert now instead of at its next scheduled attempt."""
        alert = self.get_object()
        if not services.retry_now([alert], user=request.user):
            detail = _("Deze melding is al afgeleverd.")
            return Response({"detail": detail, "status": alert.status}, status=status.HTTP_409_CONFLICT)
        alert.refresh_from_db()
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=None, responses={200: AlertSerializer, 409: None})
    @action(detail=True, methods=["post"], url_path="seen")
    def seen(self, request, alert_id=None):
        """Acknowledge that this alert is undelivered; it keeps being retried until the queue has it."""
        alert = self.get_object()
        if not services.mark_undelivered_seen(alert, user=request.user):
            detail = _("Deze melding is al afgeleverd of al gezien.")
            return Response({"detail": detail, "status": alert.status}, status=status.HTTP_409_CONFLICT)
        alert.refresh_from_db()
        return Response(AlertSerializer(alert).data)


def _with_state(queryset, wanted: str | None):
    if wanted == DeliveryState.UNDELIVERED:
        return queryset.filter(pk__in=AlertOutbox.objects.undelivered().values("pk"))
    if wanted == DeliveryState.PENDING:
        undelivered = AlertOutbox.objects.undelivered().values("pk")
        return queryset.filter(status=AlertStatus.PENDING).exclude(pk__in=undelivered)
    return queryset.filter(status=wanted) if wanted else queryset


class AnonymousHealthThrottle(SimpleRateThrottle):
    """Limit health polls by callers without an operator role, per address (HEALTH_ANONYMOUS_RATE)."""

    scope = "health"

    def get_rate(self) -> str:
        return settings.HEALTH_ANONYMOUS_RATE

    def get_cache_key(self, request, view) -> str | None:
        if _sees_figures(request.user):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class HealthScope(serializers.Serializer):
    scope = serializers.ChoiceField(choices=health.SCOPES, required=False, default="all")


class HealthView(APIView):
    """Say whether alerts can flow: database, brokers, consuming workers, undelivered alerts, zone catalogue.

    Anyone may ask (a load balancer has no token) and gets only the status,
    from a shared answer of a few seconds that never connects to a broker,
    rate-limited per address. Operators and supervisors get a fresh check
    with the figures and the broker probes. 503 when something fails.
    """

    permission_classes = [AllowAny]
    throttle_classes = [AnonymousHealthThrottle]

    @extend_schema(parameters=[HealthScope], responses={200: dict, 503: dict})
    def get(self, request):
        query = HealthScope(data=request.query_params)
        query.is_valid(raise_exception=True)
        scope = query.validated_data["scope"]
        sees_figures = _sees_figures(request.user)
        report = health.check(scope=scope) if sees_figures else {"status": health.cached_status(scope)}
        code = status.HTTP_200_OK if report["status"] == "ok" else status.HTTP_503_SERVICE_UNAVAILABLE
        return Response(report, status=code)


def _sees_figures(user) -> bool:
    return has_role(user, Role.MONITORING_OPERATOR, Role.SUPERVISOR)
