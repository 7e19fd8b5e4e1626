"""Serializers of the integration API: what goes in is checked here, what it changes is done by the services."""

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from geofence.feeds.serializers import MAX_DEVICE_REF_LENGTH
from geofence.models import Device, DeviceAssignment, DeviceKind, Incident, IncidentEvent, Vendor
from registry.api.fields import PlausibleDateTimeField, SafeCharField, safe_text
from registry.models import Person, ProtectedPerson


class AwareDateTimeField(PlausibleDateTimeField):
    """An ISO 8601 time with its offset: a time without one is ambiguous across a DST change, so refused."""

    default_error_messages = {
        "naive": _("Geef het tijdstip met tijdzone, bijvoorbeeld 2026-03-01T21:15:00+01:00 of 2026-03-01T20:15:00Z."),
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None  # the parent words an impossible date
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)


class DeviceSerializer(serializers.ModelSerializer):
    vendor = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Vendor.objects.filter(active=True),
        required=False,
        help_text=_("Code van de leverancier; een leverancier zelf laat dit weg."),
    )
    device_id = SafeCharField(max_length=MAX_DEVICE_REF_LENGTH, help_text=_("Het apparaat-id van de leverancier."))
    model = SafeCharField(max_length=80, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=DeviceKind.choices, default=DeviceKind.ANKLE_MONITOR)

    class Meta:
        model = Device
        fields = ["id", "vendor", "device_id", "kind", "model", "active", "created_at"]
        read_only_fields = ["active", "created_at"]
        validators = []  # a registered id is a conflict (409) from the service, not a field error

    def validate_device_id(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError(_("Geef het apparaat-id."))
        return value


class RegisteredDeviceSerializer(DeviceSerializer):
    attributed_fixes = serializers.IntegerField(
        read_only=True, help_text=_("Posities die het apparaat als onbekend stuurde en nu zijn opgeslagen.")
    )

    class Meta(DeviceSerializer.Meta):
        fields = [*DeviceSerializer.Meta.fields, "attributed_fixes"]


class ReasonField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            max_length=2000, validators=[safe_text], help_text=_("Waarom; komt in het auditlog."), **kwargs
        )


class RetireSerializer(serializers.Serializer):
    reason = ReasonField()


class ReplaceSerializer(serializers.Serializer):
    new_device = serializers.PrimaryKeyRelatedField(
        queryset=Device.objects.none(), help_text=_("Id van het nieuwe apparaat (eerst registreren).")
    )
    at = AwareDateTimeField(required=False, help_text=_("Moment van de wissel; standaard nu."))
    reason = ReasonField()

    def __init__(self, *args, devices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if devices is not None:
            self.fields["new_device"].queryset = devices


class ReplacedSerializer(serializers.Serializer):
    retired = DeviceSerializer()
    replacement = DeviceSerializer()


class AssignmentSerializer(serializers.ModelSerializer):
    device = serializers.PrimaryKeyRelatedField(queryset=Device.objects.all())
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    protected_person = serializers.PrimaryKeyRelatedField(
        queryset=ProtectedPerson.objects.all(), required=False, allow_null=True
    )
    valid_from = AwareDateTimeField()
    valid_until = AwareDateTimeField(required=False, allow_null=True)

    class Meta:
        model = DeviceAssignment
        fields = ["id", "device", "person", "protected_person", "valid_from", "valid_until", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class EndAssignmentSerializer(serializers.Serializer):
    valid_until = AwareDateTimeField(help_text=_("Einde van de koppeling, met tijdzone."))
    reason = ReasonField(required=False, allow_blank=True)


class TimelineSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncidentEvent
        fields = ["action", "from_state", "to_state", "at", "actor_name", "note", "details"]


class IncidentSerializer(serializers.ModelSerializer):
    device_ref = serializers.SerializerMethodField(help_text=_("Leverancier en apparaat-id."))
    assigned_to = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    dashboard_url = serializers.CharField(read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "type",
            "state",
            "priority",
            "definite",
            "notify_police",
            "version",
            "opened_at",
            "closed_at",
            "closed_reason",
            "ban",
            "person",
            "protected_person",
            "device",
            "device_ref",
            "vendor",
            "closest_distance_m",
            "deepest_intrusion_m",
            "eta_min",
            "fix_count",
            "assigned_to",
            "updated_at",
            "dashboard_url",
        ]

    def get_device_ref(self, incident: Incident) -> str | None:
        return str(incident.device) if incident.device_id else None


class IncidentDetailSerializer(IncidentSerializer):
    timeline = TimelineSerializer(many=True, read_only=True, help_text=_("Oudste regel eerst."))

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "timeline"]
