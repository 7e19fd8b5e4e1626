"""The letters API: registrars and operators generate, download and mark letters sent; supervisors read.

Police officers never see victim letters: the letter is for the protected person alone.
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from registry.api.errors import Conflict
from registry.audit_reads import AuditedReadMixin
from registry.models import Ban
from registry.permissions import role_permission
from registry.regions import ban_region_q, bans_visible_to
from registry.roles import Role

from . import services
from .models import VictimNotice
from .serializers import GenerateSerializer, MarkSentSerializer, OverdueNoticeSerializer, VictimNoticeSerializer

LetterPermission = role_permission(Role.REGISTRAR, Role.MONITORING_OPERATOR, read_roles=(Role.SUPERVISOR,))


class VictimNoticeViewSet(AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [LetterPermission]
    audit_skip_actions = ("pdf",)  # services.record_download audits the download
    serializer_class = VictimNoticeSerializer
    filterset_fields = ["ban", "protected_person", "status"]
    queryset = VictimNotice.objects.defer("pdf").select_related("ban__decision", "protected_person").order_by("-id")

    def get_queryset(self):
        # Operators see the letters of their regions' bans (registry/regions.py).
        return super().get_queryset().filter(ban_region_q(self.request.user, "ban__"))

    @extend_schema(responses=OverdueNoticeSerializer(many=True))
    @action(detail=False, url_path="overdue")
    def overdue(self, request):
        """List current letters not sent within VICTIM_NOTICE_DUE_DAYS of falling due (oldest first)."""
        # Catch up with ban changes made without signals, so the list is never short.
        VictimNotice.objects.reconcile()
        notices = self.get_queryset().overdue().order_by("due_since", "id")
        page = self.paginate_queryset(notices)
        return self.get_paginated_response(OverdueNoticeSerializer(page, many=True).data)

    @extend_schema(
        request=GenerateSerializer,
        responses=inline_serializer("GeneratedLetters", {"generated": VictimNoticeSerializer(many=True)}),
    )
    @action(detail=False, methods=["post"], url_path="generate")
    def generate(self, request):
        """Render the letters of one ban (due and unsent ones), or every due letter."""
        params = GenerateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        language = params.validated_data["language"]
        try:
            if params.validated_data["all_due"]:
                notices = services.generate_all_due(request.user, language)
            else:
                ban = params.validated_data["ban"]
                if not bans_visible_to(Ban.objects.filter(pk=ban.pk), request.user).exists():
                    raise NotFound
                notices = services.generate_for_ban(ban, request.user, language)
        except services.NoticeStateError as exc:
            raise Conflict(str(exc)) from exc
        fresh = self.get_queryset().filter(pk__in=[n.pk for n in notices])
        return Response({"generated": VictimNoticeSerializer(fresh, many=True).data})

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, url_path="pdf")
    def pdf(self, request, pk=None):
        """Download the letter as PDF (every download is audited)."""
        notice = VictimNotice.objects.select_related("ban").get(pk=self.get_object().pk)
        if notice.pdf is None:
            raise Conflict(_("Deze brief is nog niet aangemaakt."))
        services.record_download(notice, request.user)
        response = HttpResponse(bytes(notice.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{notice.filename}"'
        return response

    @extend_schema(request=MarkSentSerializer, responses=VictimNoticeSerializer)
    @action(detail=True, methods=["post"], url_path="sent")
    def sent(self, request, pk=None):
        """Record the date and channel by which the letter went out."""
        notice = self.get_object()
        params = MarkSentSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        try:
            notice = services.mark_sent(notice, request.user, **params.validated_data)
        except services.NoticeStateError as exc:
            raise Conflict(str(exc)) from exc
        return Response(VictimNoticeSerializer(notice).data)
