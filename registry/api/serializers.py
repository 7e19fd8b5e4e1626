"""Serializers of the registrar API. Writes go through registry.services, so history is kept."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry import services
from registry.field_names import BAN_FIELDS, DECISION_COLUMNS, PERSON_FIELDS, PROTECTED_FIELDS
from registry.models import (
    Authority,
    Ban,
    BanKind,
    BanStatus,
    Decision,
    HistoryEntry,
    LegalBasis,
    Person,
    PoliceRegion,
    ProtectedPerson,
    RiskLevel,
    ZoneShape,
)
from registry.regions import region_of_ban
from registry.terms import legal_warnings
from registry.validators import (
    creation_status_problem,
    normalise_ban,
    validate_contact_modes,
    validate_latitude,
    validate_longitude,
    validate_radius,
    validate_time_windows,
    validate_zone_geojson_field,
)

from .fields import PlausibleDateTimeField, SafeCharField, not_in_future, plausible_year, safe_name, safe_text

# Names are matched by the police lookup and shown on phones: no invisible or stacked characters.
NAME_KWARGS = {name: {"validators": [safe_name]} for name in ("given_names", "tussenvoegsel", "surname")}
REASON_HELP = _("Waarom deze wijziging? Verplicht bij wijzigen; komt in de historie.")


def choice_field(choices, label: str, **kwargs) -> serializers.ChoiceField:
    """Return a ChoiceField whose error names the field and lists the allowed values."""
    allowed = ", ".join(choices.values)
    message = _("Onbekende %(label)s '{input}'. Kies uit: %(allowed)s.") % {"label": label, "allowed": allowed}
    return serializers.ChoiceField(choices=choices.choices, error_messages={"invalid_choice": message}, **kwargs)


class HistoryWriteSerializer(serializers.ModelSerializer):
    """Create and update through the service functions, passing who and why."""

    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=2000,
        validators=[safe_text],
        help_text=REASON_HELP,
    )

    create_service = None
    update_service = None
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: PlausibleDateTimeField,
        models.CharField: SafeCharField,
        models.TextField: SafeCharField,
    }

    def validate(self, attrs):
        if self.instance is not None and not (attrs.get("reason") or "").strip():
            raise serializers.ValidationError(
                {"reason": [_("Geef een reden op voor deze wijziging.")]}, code="required"
            )
        return attrs

    def create(self, validated_data):
        reason = validated_data.pop("reason", "")
        return type(self).create_service(user=self._user(), reason=reason, **validated_data)

    def update(self, instance, validated_data):
        reason = validated_data.pop("reason", "")
        obj, _changed = type(self).update_service(instance.pk, user=self._user(), reason=reason, **validated_data)
        return obj

    def _user(self):
        request = self.context.get("request")
        return request.user if request is not None else None


class AliasesField(serializers.ListField):
    """Alias names in, alias names out (sorted), from the person's PersonAlias rows."""

    def get_attribute(self, instance):
        return sorted(alias.name for alias in instance.aliases.all())


class PersonSerializer(HistoryWriteSerializer):
    aliases = AliasesField(
        child=serializers.CharField(max_length=300, validators=[safe_name]),
        required=False,
        max_length=50,
        help_text=_("Andere namen."),
    )
    create_service = staticmethod(services.create_person)
    update_service = staticmethod(services.update_person)

    class Meta:
        model = Person
        fields = ["id", *PERSON_FIELDS, "created_at", "updated_at", "reason"]
        extra_kwargs = {"date_of_birth": {"validators": [plausible_year, not_in_future]}, **NAME_KWARGS}


class ProtectedPersonSerializer(HistoryWriteSerializer):
    create_service = staticmethod(services.create_protected_person)
    update_service = staticmethod(services.update_protected_person)

    class Meta:
        model = ProtectedPerson
        fields = ["id", *PROTECTED_FIELDS, "created_at", "updated_at", "reason"]
        extra_kwargs = {
            "home_lat": {"validators": [validate_latitude]},
            "home_lon": {"validators": [validate_longitude]},
            "date_of_birth": {"validators": [plausible_year, not_in_future]},
            **NAME_KWARGS,
        }


class DecisionFieldsSerializer(HistoryWriteSerializer):
    """The decision's own fields, shared by the API and the import."""

    authority = choice_field(Authority, _("instantie"))
    legal_basis = choice_field(LegalBasis, _("grondslag"))
    sash_risk = choice_field(RiskLevel, _("risiconiveau"), required=False, allow_blank=True)

    class Meta:
        model = Decision
        fields = list(DECISION_COLUMNS)
        extra_kwargs = {"decision_date": {"validators": [plausible_year]}}


class DecisionSerializer(DecisionFieldsSerializer):
    bans = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    arrest_possible = serializers.BooleanField(read_only=True)
    create_service = staticmethod(services.create_decision)
    update_service = staticmethod(services.update_decision)

    class Meta(DecisionFieldsSerializer.Meta):
        fields = ["id", "person", *DecisionFieldsSerializer.Meta.fields]
        fields += ["arrest_possible", "bans", "version", "created_at", "updated_at", "reason"]
        read_only_fields = ["version"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "person" in attrs and attrs["person"] != self.instance.person:
            raise serializers.ValidationError(
                {"person": [_("De persoon van een beslissing kan niet worden gewijzigd.")]}, code="immutable"
            )
        authority = attrs.get("authority", getattr(self.instance, "authority", None))
        reference = attrs.get("reference", getattr(self.instance, "reference", None))
        clash = Decision.objects.filter(authority=authority, reference=reference)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(
                {"reference": [_("Deze instantie heeft al een beslissing met dit kenmerk.")]}, code="unique"
            )
        return attrs

    def get_validators(self):
        return []  # the (authority, reference) check above gives a field-level message


class BanFieldsSerializer(HistoryWriteSerializer):
    """The ban's own fields and cross-field rules, shared by the API and the import."""

    kind = choice_field(BanKind, _("soort verbod"))
    status = choice_field(BanStatus, _("status"), required=False)
    zone_shape = choice_field(ZoneShape, _("vorm zone"), required=False, allow_blank=True)
    contact_modes = serializers.JSONField(required=False, validators=[validate_contact_modes])
    zone_geojson = serializers.JSONField(required=False, allow_null=True, validators=[validate_zone_geojson_field])
    time_windows = serializers.JSONField(required=False, validators=[validate_time_windows])

    class Meta:
        model = Ban
        fields = list(BAN_FIELDS)
        extra_kwargs = {
            "centre_lat": {"validators": [validate_latitude]},
            "centre_lon": {"validators": [validate_longitude]},
            "radius_m": {"validators": [validate_radius]},
        }

    def validate_status(self, value):
        if self.instance is None:
            problem = creation_status_problem(value)
        elif value != self.instance.status:
            problem = _("Wijzig de status met een actie (activate, suspend, reinstate, revoke, end).")
        else:
            problem = ""
        if problem:
            raise serializers.ValidationError(problem, code="invalid_status")
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        state = self.current_state()
        state.update(attrs)
        errors = normalise_ban(state)
        if errors:
            raise serializers.ValidationError({k: [e.messages[0] for e in v] for k, v in errors.items()})
        for name in ("zone_shape", "radius_m", "contact_modes"):
            if name in state and state[name] != getattr(self.instance, name, None):
                attrs[name] = state[name]
        if self.instance is not None and attrs.get("status") == self.instance.status:
            attrs.pop("status")
        return attrs

    def current_state(self) -> dict:
        """Return the ban's stored values, so partial updates are checked as a whole."""
        if self.instance is None:
            return {}
        state = {f.name: getattr(self.instance, f.name) for f in Ban._meta.concrete_fields}
        state["protected_persons"] = list(self.instance.protected_persons.all())
        return state


class BanRegionField(serializers.ChoiceField):
    """The ban's monitoring region: written through the ban's services, read from where the centre keeps it."""

    def __init__(self, **kwargs):
        help_text = _("Regio van de meldkamer die het verbod bewaakt; leeg: een supervisor kiest hem.")
        super().__init__(PoliceRegion.choices, required=False, allow_blank=True, help_text=help_text, **kwargs)

    def get_attribute(self, instance):
        return region_of_ban(instance)


class LegalWarningSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("end_date_passed, past_legal_end, beyond_legal_end of end_required"))
    message = serializers.CharField()


class BanSerializer(BanFieldsSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    decision = serializers.PrimaryKeyRelatedField(queryset=Decision.objects.all())
    protected_persons = serializers.PrimaryKeyRelatedField(
        many=True, queryset=ProtectedPerson.objects.all(), required=False
    )
    region = BanRegionField()
    in_force = serializers.SerializerMethodField()
    legal_end = serializers.DateTimeField(read_only=True, allow_null=True)
    legal_warnings = serializers.SerializerMethodField()
    create_service = staticmethod(services.create_ban)
    update_service = staticmethod(services.update_ban)

    class Meta(BanFieldsSerializer.Meta):
        fields = ["id", "decision", "person", *BanFieldsSerializer.Meta.fields, "protected_persons", "region"]
        fields += ["in_force", "legal_end", "legal_warnings", "version", "created_at", "updated_at", "reason"]
        read_only_fields = ["version"]

    def get_in_force(self, obj: Ban) -> bool:
        return obj.is_in_force()

    @extend_schema_field(LegalWarningSerializer(many=True))
    def get_legal_warnings(self, obj: Ban) -> list[dict]:
        return legal_warnings(obj)

    def validate(self, attrs):
        for name in ("decision", "person"):
            if self.instance is not None and name in attrs and attrs[name] != getattr(self.instance, name):
                raise serializers.ValidationError({name: [_("Kan niet worden gewijzigd.")]}, code="immutable")
        return super().validate(attrs)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, validators=[safe_text], help_text=REASON_HELP)


class HistoryEntrySerializer(serializers.ModelSerializer):
    changed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = HistoryEntry
        fields = ["version", "action", "changed_at", "changed_by", "reason", "changed_fields", "snapshot"]
