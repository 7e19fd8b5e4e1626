from django.utils import timezone
from rest_framework import serializers

from geofence.models import Incident
from geofence.models.incidents import NOTE_MAX_LENGTH

from .models import Outcome, ReportBasis, ViolationReport


class ViolationReportSerializer(serializers.ModelSerializer):
    person_name = serializers.SerializerMethodField()
    reference = serializers.SerializerMethodField()
    days_since_sent = serializers.SerializerMethodField()

    # Blank until the OM assesses; a read-only model field would lose the blank choice in the schema.
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ViolationReport
        fields = [
            "id",
            "incident",
            "basis",
            "status",
            "person_name",
            "reference",
            "drafted_at",
            "sent_at",
            "days_since_sent",
            "outcome",
            "assessment_note",
            "om_reference",
            "assessed_at",
        ]
        read_only_fields = fields

    def get_person_name(self, report) -> str | None:
        return (report.facts.get("person") or {}).get("name")

    def get_reference(self, report) -> str | None:
        return (report.facts.get("ban") or {}).get("reference")

    def get_days_since_sent(self, report) -> int | None:
        return (timezone.now() - report.sent_at).days if report.sent_at else None


class DraftSerializer(serializers.Serializer):
    incident = serializers.PrimaryKeyRelatedField(queryset=Incident.objects.select_related("ban__decision"))
    basis = serializers.ChoiceField(choices=ReportBasis.choices, default=ReportBasis.OPERATOR_CONFIRMED)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH, default="")


class AssessmentSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH, default="")
    om_reference = serializers.CharField(required=False, allow_blank=True, max_length=60, default="")
