"""JSON for lookups. Fields a role may not see are left out, not blanked (see docs/need-to-know.md)."""

from functools import cache
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from registry.enforcement import enforcement
from registry.field_names import PROTECTED_DETAIL_FIELDS
from registry.models import AuditEntry, BanKind, ProtectedPerson

from .devices import device_last_contact
from .query import DOB_INPUT_FORMATS
from .windows import WINDOW_LABELS, BanWindow
from .wording import forbids_text, period_text
from .zones import zone_exact, zone_for_officer

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def choice_label(instance, field_name: str) -> str:
    """Return get_<field>_display() of the instance, from a table of the field's choices built once."""
    value = getattr(instance, field_name)
    return str(_choice_labels(type(instance), field_name).get(value, value))


@cache
def _choice_labels(model, field_name: str) -> dict:
    # Django's get_FOO_display builds this dict on each call, hashing every lazy label (one gettext each).
    return dict(model._meta.get_field(field_name).flatchoices)


def LocalDateTimeField(**kwargs) -> serializers.DateTimeField:  # noqa: N802 (reads like a field class)
    return serializers.DateTimeField(default_timezone=AMSTERDAM, read_only=True, **kwargs)


def local_iso(moment) -> str | None:
    """Return the moment as LocalDateTimeField writes it: ISO 8601 in Amsterdam time."""
    return moment.astimezone(AMSTERDAM).isoformat() if moment is not None else None


class LookupParamsSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, trim_whitespace=True)
    dob = serializers.DateField(required=False, allow_null=True, input_formats=DOB_INPUT_FORMATS)
    id = serializers.CharField(required=False, allow_blank=True, max_length=60, trim_whitespace=True)

    def validate(self, attrs):
        if not attrs.get("q") and not attrs.get("id"):
            raise serializers.ValidationError({"q": _("Geef een naam (q) of een nummer (id).")})
        if attrs.get("q") and not any(ch.isalnum() for ch in attrs["q"]):
            raise serializers.ValidationError({"q": _("Geef een naam met letters, of een nummer.")})
        return attrs


# Named apart from the registry API's ProtectedPerson in the schema: a shared name made one replace the other.
@extend_schema_serializer(component_name="LookupProtectedPerson")
class ProtectedPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProtectedPerson
        fields = ["id", "full_name", *PROTECTED_DETAIL_FIELDS]


class EnforcementSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    """The stretch of a ban's weekly hours that holds now (current) or comes next."""

    current = serializers.BooleanField()
    start = LocalDateTimeField()
    end = LocalDateTimeField()
    text = serializers.CharField()


# Named apart from the registry API's Ban in the schema: a shared name made one replace the other.
@extend_schema_serializer(component_name="LookupBan")
class BanSerializer(serializers.Serializer):
    """One shown ban: the instance is a windows.ShownBan."""

    id = serializers.IntegerField(source="ban.id")
    window = serializers.CharField()
    window_label = serializers.SerializerMethodField()
    active_now = serializers.SerializerMethodField()
    period = serializers.SerializerMethodField()
    kind = serializers.CharField(source="ban.kind")
    kind_label = serializers.SerializerMethodField()
    forbids = serializers.SerializerMethodField()
    time_windows = serializers.JSONField(source="ban.time_windows")
    legal_basis = serializers.CharField(source="ban.decision.legal_basis")
    legal_basis_label = serializers.SerializerMethodField()
    authority = serializers.CharField(source="ban.decision.authority")
    authority_label = serializers.SerializerMethodField()
    decision_reference = serializers.CharField(source="ban.decision.reference")
    valid_from = LocalDateTimeField(source="ban.valid_from")
    valid_until = LocalDateTimeField(source="ban.valid_until", allow_null=True)
    dut = serializers.BooleanField(source="ban.decision.dut")
    electronic_monitoring = serializers.BooleanField(source="ban.decision.electronic_monitoring")
    device_last_contact = serializers.SerializerMethodField()
    zone = serializers.SerializerMethodField()
    zone_description = serializers.SerializerMethodField()
    enforcement = serializers.SerializerMethodField()
    protected_person_count = serializers.SerializerMethodField()
    # Only for roles that may see protected persons: dropped from get_fields() otherwise.
    protected_persons = ProtectedPersonSerializer(source="ban.protected_persons.all", many=True)
    RESTRICTED = ("protected_persons",)

    def get_fields(self):
        fields = super().get_fields()
        if not self.context.get("full"):
            for name in self.RESTRICTED:
                fields.pop(name)
        return fields

    def to_representation(self, item) -> dict:
        """Return the fields declared above, built directly: DRF's field by field walk costs more than the lookup."""
        ban, decision = item.ban, item.ban.decision
        data = {
            "id": ban.id,
            "window": str(item.window),
            "window_label": self.get_window_label(item),
            "active_now": self.get_active_now(item),
            "period": self.get_period(item),
            "kind": str(ban.kind),
            "kind_label": self.get_kind_label(item),
            "forbids": self.get_forbids(item),
            "time_windows": ban.time_windows,
            "legal_basis": str(decision.legal_basis),
            "legal_basis_label": self.get_legal_basis_label(item),
            "authority": str(decision.authority),
            "authority_label": self.get_authority_label(item),
            "decision_reference": str(decision.reference),
            "valid_from": local_iso(ban.valid_from),
            "valid_until": local_iso(ban.valid_until),
            "dut": bool(decision.dut),
            "electronic_monitoring": bool(decision.electronic_monitoring),
            "device_last_contact": self.get_device_last_contact(item),
            "zone": self.get_zone(item),
            "zone_description": self.get_zone_description(item),
            "enforcement": self.get_enforcement(item),
            "protected_person_count": self.get_protected_person_count(item),
        }
        if self.context.get("full"):
            data["protected_persons"] = ProtectedPersonSerializer(ban.protected_persons.all(), many=True).data
        return data

    # Labels through methods: a callable `source` makes DRF inspect its signature on every row.
    def get_window_label(self, item) -> str:
        return str(WINDOW_LABELS[item.window])

    def get_active_now(self, item) -> bool:
        return item.window == BanWindow.IN_FORCE

    @extend_schema_field(PeriodSerializer(allow_null=True))
    def get_period(self, item) -> dict | None:
        if item.period is None:
            return None
        start, end = item.period
        current = item.window == BanWindow.IN_FORCE
        return {"current": current, "start": local_iso(start), "end": local_iso(end), "text": period_text(start, end)}

    def get_kind_label(self, item) -> str:
        return choice_label(item.ban, "kind")

    def get_legal_basis_label(self, item) -> str:
        return choice_label(item.ban.decision, "legal_basis")

    def get_authority_label(self, item) -> str:
        return choice_label(item.ban.decision, "authority")

    def get_forbids(self, item) -> str:
        return forbids_text(item.ban, self.get_protected_person_count(item))

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_device_last_contact(self, item):
        if not item.ban.decision.electronic_monitoring:
            return None
        # Fetched for all persons in one query (LookupResult.device_contacts); one ban on its own asks alone.
        cache = self.context.setdefault("device_last_contact", {})
        if item.ban.person_id not in cache:
            cache[item.ban.person_id] = device_last_contact(item.ban.person_id)
        last = cache[item.ban.person_id]
        return last.astimezone(AMSTERDAM).isoformat() if last else None

    @extend_schema_field(serializers.JSONField(allow_null=True))
    def get_zone(self, item) -> dict | None:
        return zone_exact(item.ban) if self.context.get("full") else zone_for_officer(item.ban)

    def get_zone_description(self, item) -> str:
        return zone_description(item.ban, full=bool(self.context.get("full")))

    @extend_schema_field(EnforcementSerializer)
    def get_enforcement(self, item) -> dict:
        found = enforcement(item.ban.decision)
        return {"code": found.code.value, "text": found.text}

    def get_protected_person_count(self, item) -> int:
        return item.ban.protected_count


def zone_description(ban, full: bool) -> str:
    """Return the registrar's description for full roles; a generated one for others.

    The registrar's free text may name the victim's street, so officers never get it.
    """
    if not ban.has_zone:
        return ""
    if full and ban.zone_description:
        return ban.zone_description
    if ban.kind != BanKind.AREA:
        return _("Zone van het locatiegebod, zie kaart.")
    if ban.zone_shape == "polygon":
        return _("Verboden gebied, zie kaart. Grens bij twijfel navragen bij het monitoringcentrum.")
    return _(
        "Cirkel rond het beschermde adres. Binnen de binnenste cirkel: zeker in de verboden zone; "
        "tussen de cirkels: mogelijk, vraag het monitoringcentrum."
    )


class MatchSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    alias = serializers.CharField()


# Named apart from the registry API's Person in the schema: a shared name made one replace the other.
@extend_schema_serializer(component_name="LookupPerson")
class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    given_names = serializers.CharField()
    tussenvoegsel = serializers.CharField()
    surname = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    bsn = serializers.CharField()
    strafrechtketennummer = serializers.CharField()
    cjib_reference = serializers.CharField()


class PersonResultSerializer(serializers.Serializer):
    person = PersonSerializer()
    match = MatchSerializer()
    ban_in_force = serializers.BooleanField()
    bans = BanSerializer(many=True)

    def to_representation(self, result) -> dict:
        """Return the fields declared above, built directly (see BanSerializer.to_representation)."""
        person, match = result.person, result.match
        born = person.date_of_birth
        bans = BanSerializer(context=self.context)
        return {
            "person": {
                "id": person.id,
                "full_name": person.full_name,
                "given_names": person.given_names,
                "tussenvoegsel": person.tussenvoegsel,
                "surname": person.surname,
                "date_of_birth": born.isoformat() if born else None,
                "bsn": person.bsn,
                "strafrechtketennummer": person.strafrechtketennummer,
                "cjib_reference": person.cjib_reference,
            },
            "match": {"score": match.score, "reasons": list(match.reasons), "alias": match.alias},
            "ban_in_force": result.ban_in_force,
            "bans": [bans.to_representation(shown) for shown in result.bans],
        }


class QuerySummarySerializer(serializers.Serializer):
    kind = serializers.CharField()
    text = serializers.CharField()
    dob = serializers.DateField(allow_null=True)
    identifier_kind = serializers.CharField(source="identifier.kind", allow_null=True, default=None)
    checksum_ok = serializers.BooleanField(source="identifier.checksum_ok", allow_null=True, default=None)


class LookupResultSerializer(serializers.Serializer):
    query = QuerySummarySerializer(source="*")
    searched_at = LocalDateTimeField(source="at")
    ban_in_force = serializers.BooleanField()
    match_count = serializers.IntegerField()
    truncated = serializers.BooleanField()
    dob_relaxed = serializers.BooleanField()
    results = PersonResultSerializer(source="persons", many=True)

    def to_representation(self, instance) -> dict:
        """Return the fields declared above, built directly (see BanSerializer.to_representation)."""
        # The device contacts were fetched for all persons in one query; the bans read them from here.
        self.context.setdefault("device_last_contact", {}).update(instance.device_contacts)
        identifier, people = instance.identifier, PersonResultSerializer(context=self.context)
        return {
            "query": {
                "kind": instance.kind,
                "text": instance.text,
                "dob": instance.dob.isoformat() if instance.dob else None,
                "identifier_kind": identifier.kind if identifier else None,
                "checksum_ok": identifier.checksum_ok if identifier else None,
            },
            "searched_at": local_iso(instance.at),
            "ban_in_force": instance.ban_in_force,
            "match_count": instance.match_count,
            "truncated": instance.truncated,
            "dob_relaxed": instance.dob_relaxed,
            "results": [people.to_representation(person) for person in instance.persons],
        }


def lookup_answer(result, full: bool) -> dict:
    """Return a lookup's JSON (LookupResultSerializer) as plain dicts and lists.

    Not through the serializer's `.data`: the serializer and its data refer to each other,
    and the answer's persons, bans and decisions hanging off that cycle (thousands of
    objects) could then only be freed by a pass of the garbage collector.
    """
    return LookupResultSerializer(context={"full": full}).to_representation(result)


class AuditEntrySerializer(serializers.ModelSerializer):
    at = LocalDateTimeField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "actor_name",
            "action",
            "target_type",
            "target_id",
            "person_ids",
            "protected_person_ids",
            "details",
            "position",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields
