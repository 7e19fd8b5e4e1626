"""Decision import jobs over the API: POST a file (202 and the job's URL), follow the job, read its rejected rows."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from registry.audit_reads import AuditedReadMixin
from registry.importer import ImportFileRejected, create_job, precheck
from registry.models import ImportBatch, RejectedRow
from registry.tasks import queue_import

from .views import RegistrarOrSupervisorRead

RAW_TYPES = ("application/json", "application/x-ndjson", "text/csv")
REPORT_LINES = 1000  # rejected rows shown with the job; /rejected pages through all of them


class RawBodyParser(BaseParser):
    """Leave JSON and CSV bodies unparsed: the job streams them to disk and the importer reads them."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return {}


class RejectedRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = RejectedRow
        fields = ["id", "line", "raw", "errors", "resolved"]


class ImportBatchSerializer(serializers.ModelSerializer):
    """An import job: its status and progress while it runs, its counts and rejected lines when done."""

    url = serializers.SerializerMethodField()
    imported_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    percent = serializers.IntegerField(read_only=True, help_text=_("Hoe ver de worker in het bestand is, 0-100."))
    rejected = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "url",
            "filename",
            "file_format",
            "sha256",
            "imported_by",
            "imported_at",
            "status",
            "percent",
            "bytes_total",
            "bytes_done",
            "last_line",
            "started_at",
            "progress_at",
            "finished_at",
            "failure",
            "rows_total",
            "rows_created",
            "rows_updated",
            "rows_unchanged",
            "rows_rejected",
            "rejected",
        ]

    def get_url(self, batch: ImportBatch) -> str:
        return reverse("import-detail", args=[batch.pk], request=self.context.get("request"))

    def get_rejected(self, batch: ImportBatch) -> list[dict]:
        """Return line and errors of the first refused rows (all of them, with raw text, via /rejected)."""
        return [{"line": row.line, "errors": row.errors} for row in batch.rejected_rows.all()[:REPORT_LINES]]


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("JSON- of CSV-bestand, zie docs/import-format.md"))
    file_format = serializers.ChoiceField(choices=["json", "csv"], required=False)


class ImportBatchViewSet(AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Import jobs for OM/CJIB decision files. POST as multipart (`file`) or as a raw JSON/CSV body."""

    queryset = ImportBatch.objects.select_related("imported_by")
    serializer_class = ImportBatchSerializer
    permission_classes = [RegistrarOrSupervisorRead]
    parser_classes = [MultiPartParser, FormParser, RawBodyParser]

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer, "application/json": OpenApiTypes.ANY},
        parameters=[OpenApiParameter("filename", str, description=_("Bestandsnaam bij een ruwe body."))],
        responses={
            202: OpenApiResponse(ImportBatchSerializer, description=_("Importtaak aangemaakt; volg `url`.")),
            400: OpenApiTypes.OBJECT,
        },
    )
    def create(self, request):
        """Store the file as an import job for a worker; answer 202 with the job and its URL to follow."""
        stream, filename, file_format = self._upload(request)
        batch = create_job(stream, filename=filename, file_format=file_format, user=request.user)
        try:
            precheck(batch)
        except ImportFileRejected as exc:
            body = {"file": [exc.error.message], "line": exc.error.line, "code": exc.error.code, "id": batch.pk}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        queue_import(batch)
        data = self.get_serializer(batch).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})

    @extend_schema(responses=RejectedRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def rejected(self, request, pk=None):
        """Return the rows this import refused, with the raw row and the reasons."""
        rows = self.get_object().rejected_rows.all()
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RejectedRowSerializer(page, many=True).data)

    def _upload(self, request):
        if request.content_type.startswith("multipart/"):
            upload = ImportUploadSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            file = upload.validated_data["file"]
            return file, file.name, upload.validated_data.get("file_format")
        if not request.content_type.startswith(RAW_TYPES):
            raise serializers.ValidationError(
                {"file": [_("Stuur multipart/form-data met 'file', of een body als application/json of text/csv.")]}
            )
        file_format = "csv" if "csv" in request.content_type else "json"
        filename = request.query_params.get("filename") or f"upload.{file_format}"
        return request._request, filename, file_format  # read from the socket in pieces, never whole
