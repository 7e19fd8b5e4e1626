"""Registrar API: persons, protected persons, decisions and bans. Thin views over registry.services."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from registry import services
from registry.audit_reads import AuditedReadMixin
from registry.lifecycle import IllegalTransition
from registry.models import Ban, Decision, Person, PersonAlias, ProtectedPerson
from registry.permissions import role_permission
from registry.regions import REGION_RELATION
from registry.roles import Role

from .errors import Conflict
from .filters import BanFilter, DecisionFilter, PersonFilter, ProtectedPersonFilter
from .serializers import (
    BanSerializer,
    DecisionSerializer,
    HistoryEntrySerializer,
    PersonSerializer,
    ProtectedPersonSerializer,
    ReasonSerializer,
)

# Registrars write; supervisors oversee. Police officers use the lookup, never these lists.
RegistrarOrSupervisorRead = role_permission(Role.REGISTRAR, read_roles=(Role.SUPERVISOR,))


class RegistryViewSet(
    AuditedReadMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Create, read, update; never delete: the registry keeps every state."""

    permission_classes = [RegistrarOrSupervisorRead]

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Return every version of this object, oldest first, with who, when and why."""
        entries = services.history_of(self.get_object()).select_related("changed_by")
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)

    def handle_exception(self, exc):
        if isinstance(exc, IllegalTransition):
            exc = Conflict(detail=str(exc), code=IllegalTransition.code)
        return super().handle_exception(exc)


class LifecycleActionsMixin:
    """POST {"reason": ...} to activate, suspend, reinstate, revoke or end."""

    lifecycle_service = None

    def _lifecycle(self, request, name: str):
        obj = self.get_object()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        type(self).lifecycle_service(obj.pk, name, user=request.user, reason=body.validated_data["reason"])
        obj = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(obj).data)

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._lifecycle(request, "activate")

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._lifecycle(request, "suspend")

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        return self._lifecycle(request, "reinstate")

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._lifecycle(request, "revoke")

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self._lifecycle(request, "end")


class PersonViewSet(RegistryViewSet):
    queryset = Person.objects.prefetch_related(Prefetch("aliases", queryset=PersonAlias.objects.order_by("name")))
    serializer_class = PersonSerializer
    filterset_class = PersonFilter


class ProtectedPersonViewSet(RegistryViewSet):
    """Victims' details in bulk: registrars and supervisors only (need to know); operators see a ban's own."""

    queryset = ProtectedPerson.objects.all()
    serializer_class = ProtectedPersonSerializer
    filterset_class = ProtectedPersonFilter


class DecisionViewSet(LifecycleActionsMixin, RegistryViewSet):
    queryset = Decision.objects.prefetch_related("bans")
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    lifecycle_service = staticmethod(services.change_decision_status)


class BanViewSet(LifecycleActionsMixin, RegistryViewSet):
    queryset = Ban.objects.select_related("decision", REGION_RELATION).prefetch_related("protected_persons")
    serializer_class = BanSerializer
    filterset_class = BanFilter
    lifecycle_service = staticmethod(services.change_ban_status)
