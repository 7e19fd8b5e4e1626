from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from registry.models import Ban

from .models import Channel, VictimNotice

LANGUAGES = (("nl", "Nederlands"), ("en", "English"))


class VictimNoticeSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="ban.decision.reference", read_only=True)
    ban_kind = serializers.CharField(source="ban.kind", read_only=True)
    protected_person_name = serializers.CharField(source="protected_person.full_name", read_only=True)
    has_pdf = serializers.SerializerMethodField()
    # Blank until sent; a read-only model field would lose the blank choice in the schema.
    channel = serializers.ChoiceField(choices=Channel.choices, allow_blank=True, read_only=True)

    class Meta:
        model = VictimNotice
        fields = [
            "id",
            "ban",
            "reference",
            "ban_kind",
            "protected_person",
            "protected_person_name",
            "status",
            "ban_version",
            "due_since",
            "generated_at",
            "language",
            "has_pdf",
            "sent_on",
            "channel",
            "superseded_by",
            "superseded_at",
        ]
        read_only_fields = fields

    def get_has_pdf(self, notice: VictimNotice) -> bool:
        return notice.generated_at is not None


class OverdueNoticeSerializer(VictimNoticeSerializer):
    days_waiting = serializers.SerializerMethodField()

    class Meta(VictimNoticeSerializer.Meta):
        fields = [*VictimNoticeSerializer.Meta.fields, "days_waiting"]
        read_only_fields = fields

    def get_days_waiting(self, notice: VictimNotice) -> int:
        return (timezone.now() - notice.due_since).days


class GenerateSerializer(serializers.Serializer):
    ban = serializers.PrimaryKeyRelatedField(queryset=Ban.objects.select_related("decision"), required=False)
    all_due = serializers.BooleanField(default=False)
    language = serializers.ChoiceField(choices=LANGUAGES, default="nl")

    def validate(self, attrs):
        if bool(attrs.get("ban")) == attrs["all_due"]:
            raise serializers.ValidationError({"ban": _("Geef een verbod op, of all_due=true (niet allebei).")})
        return attrs


class MarkSentSerializer(serializers.Serializer):
    sent_on = serializers.DateField(default=lambda: timezone.localdate())
    channel = serializers.ChoiceField(choices=Channel.choices)

    def validate_sent_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_("De verzenddatum ligt in de toekomst."))
        return value
