"""Validation of imported decisions: the API's field rules, in the nested shape of the file."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from .api.fields import safe_name
from .api.serializers import (
    BanFieldsSerializer,
    DecisionFieldsSerializer,
    HistoryWriteSerializer,
    PersonSerializer,
    ProtectedPersonSerializer,
    choice_field,
)
from .field_names import PERSON_FIELDS, PROTECTED_FIELDS
from .localtime import parse_instant
from .models import BanStatus, Person, ProtectedPerson
from .terms import basis_problems
from .validators import normalise_ban


class LocalInstantField(serializers.Field):
    """A date or datetime in Dutch local time; a date in `valid_until` runs through that day."""

    default_error_messages = {
        "invalid": _("Geef een datum (JJJJ-MM-DD) of lokaal tijdstip (JJJJ-MM-DDTHH:MM); niet '{input}'.")
    }

    def __init__(self, *, through_end_of_day: bool = False, **kwargs) -> None:
        self.through_end_of_day = through_end_of_day
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return parse_instant(str(data), through_end_of_day=self.through_end_of_day)
        except ValueError:
            self.fail("invalid", input=data)

    def to_representation(self, value):
        return value.isoformat()


class ImportPersonSerializer(serializers.ModelSerializer):
    serializer_field_mapping = HistoryWriteSerializer.serializer_field_mapping
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=300, validators=[safe_name]), required=False, max_length=50
    )

    class Meta:
        model = Person
        fields = list(PERSON_FIELDS)
        extra_kwargs = PersonSerializer.Meta.extra_kwargs

    def validate(self, attrs):
        if not any(attrs.get(f) for f in ("strafrechtketennummer", "bsn", "date_of_birth")):
            raise serializers.ValidationError(
                _("Geef een strafrechtketennummer, een BSN of een geboortedatum, zodat de persoon te vinden is."),
                code="unidentifiable",
            )
        return attrs


class ImportProtectedPersonSerializer(serializers.ModelSerializer):
    serializer_field_mapping = HistoryWriteSerializer.serializer_field_mapping

    class Meta:
        model = ProtectedPerson
        fields = list(PROTECTED_FIELDS)
        extra_kwargs = ProtectedPersonSerializer.Meta.extra_kwargs


class ImportBanSerializer(BanFieldsSerializer):
    status = choice_field(BanStatus, _("status"), required=False)
    valid_from = LocalInstantField()
    valid_until = LocalInstantField(through_end_of_day=True, required=False, allow_null=True)
    protected_persons = ImportProtectedPersonSerializer(many=True, required=False)

    class Meta(BanFieldsSerializer.Meta):
        fields = [*BanFieldsSerializer.Meta.fields, "protected_persons"]

    def validate_status(self, value):
        return value  # any status: an import may record a revocation; new bans are checked on creation


class ImportDecisionSerializer(DecisionFieldsSerializer):
    person = ImportPersonSerializer()
    bans = ImportBanSerializer(many=True, allow_empty=False)

    class Meta(DecisionFieldsSerializer.Meta):
        fields = [*DecisionFieldsSerializer.Meta.fields, "person", "bans"]

    def get_validators(self):
        return []  # an existing (authority, reference) is an update, not an error

    def validate(self, attrs):
        """Check each ban against the decision's legal basis, reporting by ban so errors carry its line."""
        attrs = super().validate(attrs)
        found = [_basis_errors(attrs["legal_basis"], ban) for ban in attrs.get("bans", [])]
        if any(found):
            raise serializers.ValidationError({"bans": found})
        return attrs


def _basis_errors(legal_basis: str, ban: dict) -> dict:
    state = {**ban, "protected_persons": list(ban.get("protected_persons", []))}
    normalise_ban(state)  # fills the defaults (shape, 5 km radius) the basis is judged on
    problems = basis_problems(legal_basis, state)
    return {field: [ErrorDetail(m, code=c) for m, c in pairs] for field, pairs in problems.items()}


def flatten_errors(errors, prefix: str = "") -> Iterator[tuple[str, str, str]]:
    """Yield (path, code, message) from nested DRF errors; paths look like "bans[1].radius_m"."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(key, int):  # a ListSerializer reports items by index
                yield from flatten_errors(value, f"{prefix}[{key}]")
                continue
            name = "" if key == "non_field_errors" else str(key)
            path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            yield from flatten_errors(value, path)
    elif isinstance(errors, list) and errors and all(isinstance(e, dict | list) for e in errors):
        for index, value in enumerate(errors):
            yield from flatten_errors(value, f"{prefix}[{index}]")
    elif isinstance(errors, list):
        for error in errors:
            yield prefix, getattr(error, "code", "invalid"), str(error)
    else:
        yield prefix, getattr(errors, "code", "invalid"), str(errors)
