"""Decision import over the API: POST a file, read the batch and its rejected rows."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser
from rest_framework.response import Response

from registry.audit_reads import AuditedReadMixin
from registry.importer import ImportFileRejected, import_file
from registry.models import ImportBatch, RejectedRow

from .views import RegistrarOrSupervisorRead

RAW_TYPES = ("application/json", "application/x-ndjson", "text/csv")


class RawBodyParser(BaseParser):
    """Leave JSON and CSV bodies unparsed: the importer reads them itself, with line numbers."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return {}


class RejectedRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = RejectedRow
        fields = ["id", "line", "raw", "errors", "resolved"]


class ImportBatchSerializer(serializers.ModelSerializer):
    imported_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    rejected = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "filename",
            "file_format",
            "sha256",
            "imported_by",
            "imported_at",
            "rows_total",
            "rows_created",
            "rows_updated",
            "rows_unchanged",
            "rows_rejected",
            "rejected",
        ]

    def get_rejected(self, batch: ImportBatch) -> list[dict]:
        """Return line, field, code and message of every refused row (raw text via /rejected)."""
        return [{"line": row.line, "errors": row.errors} for row in batch.rejected_rows.all()]


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("JSON- of CSV-bestand, zie docs/import-format.md"))
    file_format = serializers.ChoiceField(choices=["json", "csv"], required=False)


class ImportBatchViewSet(AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Imports of OM/CJIB decision files. POST as multipart (`file`) or as a raw JSON/CSV body."""

    queryset = ImportBatch.objects.select_related("imported_by").prefetch_related("rejected_rows")
    serializer_class = ImportBatchSerializer
    permission_classes = [RegistrarOrSupervisorRead]
    parser_classes = [MultiPartParser, FormParser, RawBodyParser]

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer, "application/json": OpenApiTypes.ANY},
        parameters=[OpenApiParameter("filename", str, description=_("Bestandsnaam bij een ruwe body."))],
        responses={201: ImportBatchSerializer, 400: OpenApiTypes.OBJECT},
    )
    def create(self, request):
        """Import a file; answer the counts and every rejected row with its line number."""
        content, filename, file_format = self._read_upload(request)
        try:
            batch = import_file(content, filename=filename, file_format=file_format, user=request.user)
        except ImportFileRejected as exc:
            body = {"file": [exc.error.message], "line": exc.error.line, "code": exc.error.code, "id": exc.batch.pk}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        batch = self.get_queryset().get(pk=batch.pk)
        return Response(self.get_serializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=RejectedRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def rejected(self, request, pk=None):
        """Return the rows this import refused, with the raw row and the reasons."""
        rows = self.get_object().rejected_rows.all()
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RejectedRowSerializer(page, many=True).data)

    def _read_upload(self, request) -> tuple[bytes, str, str | None]:
        if request.content_type.startswith("multipart/"):
            upload = ImportUploadSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            file = upload.validated_data["file"]
            return file.read(), file.name, upload.validated_data.get("file_format")
        if not request.content_type.startswith(RAW_TYPES):
            raise serializers.ValidationError(
                {"file": [_("Stuur multipart/form-data met 'file', of een body als application/json of text/csv.")]}
            )
        file_format = "csv" if "csv" in request.content_type else "json"
        filename = request.query_params.get("filename") or f"upload.{file_format}"
        return request.body, filename, file_format
