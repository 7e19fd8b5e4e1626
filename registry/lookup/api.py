"""Lookup API, the supervisors' audit list, and the protected persons of a ban for roles that may see them."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.api.fields import PlausibleDateTimeField
from registry.audit_reads import AuditedReadMixin
from registry.db import rows_listing_id
from registry.models import AuditEntry, Ban
from registry.permissions import IsSupervisor
from registry.regions import may_see_protected_persons_by_ban

from .access import THROTTLE_SCOPE, CanLookUp, LookupThrottle
from .serializers import (
    AuditEntrySerializer,
    LookupParamsSerializer,
    LookupResultSerializer,
    ProtectedPersonSerializer,
    lookup_answer,
)
from .services import lookup, protected_persons_of_ban


class CanSeeProtectedPersons(BasePermission):
    """Registrars and supervisors: a region-bound operator sees victims only through an incident (403 here)."""

    message = _("Uw rol geeft geen toegang tot deze functie.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) and may_see_protected_persons_by_ban(request.user)


def _no_store(response: Response) -> Response:
    # Answers name people under a ban: no browser or proxy may keep them.
    response["Cache-Control"] = "no-store"
    return response


class LookupView(APIView):
    permission_classes = [CanLookUp]
    # orjson: an answer of ten persons with their zones' rings is 20-40 KB, which the standard encoder
    # took about 0.6 ms to write, orjson under 0.1 ms. The answer holds plain dicts, lists, strings and numbers.
    renderer_classes = [ORJSONRenderer, BrowsableAPIRenderer]
    throttle_classes = [LookupThrottle]
    throttle_scope = THROTTLE_SCOPE

    @extend_schema(parameters=[LookupParamsSerializer], responses=LookupResultSerializer)
    def get(self, request):
        """Look up a person by name (q, optional dob) or identifier (id); every call is audited."""
        return self._answer(request, request.query_params)

    @extend_schema(request=LookupParamsSerializer, responses=LookupResultSerializer)
    def post(self, request):
        """Look up as GET does, with the name, number and date of birth in the body: out of URLs and access logs."""
        return self._answer(request, request.data)

    def _answer(self, request, data):
        params = LookupParamsSerializer(data=data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        result = lookup(request.user, q=data.get("q", ""), dob=data.get("dob"), identifier=data.get("id", ""))
        return _no_store(Response(lookup_answer(result, full=result.with_protected)))


class BanProtectedPersonsView(APIView):
    permission_classes = [CanSeeProtectedPersons]

    @extend_schema(responses=ProtectedPersonSerializer(many=True))
    def get(self, request, pk: int):
        """Return who a ban protects, with contact details and address (audited)."""
        ban = get_object_or_404(Ban, pk=pk)
        persons = protected_persons_of_ban(request.user, ban)
        return _no_store(Response(ProtectedPersonSerializer(persons, many=True).data))


class AuditParamsSerializer(serializers.Serializer):
    officer = serializers.CharField(required=False, max_length=150)
    # Bounded: the database cannot bind a larger number (SQLite raised OverflowError, a 500).
    person = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    protected_person = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    action = serializers.CharField(required=False, max_length=60)
    since = PlausibleDateTimeField(required=False)
    until = PlausibleDateTimeField(required=False)


@extend_schema_view(get=extend_schema(parameters=[AuditParamsSerializer]))
class AuditListView(AuditedReadMixin, generics.ListAPIView):
    """List audit entries, newest first, by officer (username or id) and by person shown."""

    permission_classes = [IsSupervisor]
    serializer_class = AuditEntrySerializer
    filter_backends = []

    def get_queryset(self) -> QuerySet:
        params = AuditParamsSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return filter_audit(AuditEntry.objects.all(), **params.validated_data)

    def list(self, request, *args, **kwargs):
        return _no_store(super().list(request, *args, **kwargs))


def filter_audit(
    queryset: QuerySet, officer=None, person=None, protected_person=None, action=None, since=None, until=None
) -> QuerySet:
    """Return the entries of one officer and/or about one person or protected person, in a time span."""
    if officer:
        # isdigit() alone accepts "²", which int() refuses.
        by_id = {"actor_id": int(officer)} if officer.isascii() and officer.isdigit() else {"actor_name": officer}
        queryset = queryset.filter(**by_id)
    if person:
        queryset = entries_showing_person(queryset, person)
    if protected_person:
        queryset = entries_showing_person(queryset, protected_person, field="protected_person_ids")
    if action:
        queryset = queryset.filter(action=action)
    if since:
        queryset = queryset.filter(at__gte=since)
    if until:
        queryset = queryset.filter(at__lt=until)
    return queryset


def entries_showing_person(queryset: QuerySet, person_id: int, field: str = "person_ids") -> QuerySet:
    """Return the entries whose id list `field` holds the id."""
    return rows_listing_id(queryset, field, person_id)
