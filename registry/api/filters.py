"""List filters of the registrar API."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from registry.localtime import parse_instant
from registry.models import Authority, Ban, BanKind, BanStatus, Decision, LegalBasis, Person, ProtectedPerson
from registry.names import fold, surname_key


class InstantField(forms.Field):
    """A date (local midnight, Europe/Amsterdam) or a datetime (local when it has no offset)."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return parse_instant(str(value))
        except ValueError:
            raise forms.ValidationError(
                _("Geef een datum (JJJJ-MM-DD) of tijdstip (JJJJ-MM-DDTHH:MM[:SS][+01:00])."), code="invalid"
            ) from None


@extend_schema_field(OpenApiTypes.STR)
class InstantFilter(filters.Filter):
    field_class = InstantField


MAX_ID = 2**63 - 1  # the largest number the databases bind; a larger one was a 500 on SQLite


class IdFilter(filters.NumberFilter):
    """A row id: a whole number within the database's range, else a 400 naming the filter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=-MAX_ID, max_value=MAX_ID, **kwargs)


class BanFilter(filters.FilterSet):
    person = IdFilter(field_name="person_id")
    decision = IdFilter(field_name="decision_id")
    kind = filters.ChoiceFilter(choices=BanKind.choices)
    status = filters.ChoiceFilter(choices=BanStatus.choices)
    in_force_at = InstantFilter(method="filter_in_force_at", label=_("van kracht op"))
    authority = filters.ChoiceFilter(field_name="decision__authority", choices=Authority.choices)
    legal_basis = filters.ChoiceFilter(field_name="decision__legal_basis", choices=LegalBasis.choices)
    protected_person = IdFilter(field_name="protected_persons")

    class Meta:
        model = Ban
        fields = ["person", "decision", "kind", "status", "in_force_at", "authority", "legal_basis"]

    def filter_in_force_at(self, queryset, name, value):
        return queryset.in_force(at=value)


class DecisionFilter(filters.FilterSet):
    person = IdFilter(field_name="person_id")
    authority = filters.ChoiceFilter(choices=Authority.choices)
    legal_basis = filters.ChoiceFilter(choices=LegalBasis.choices)
    reference = filters.CharFilter()
    kind = filters.ChoiceFilter(field_name="bans__kind", choices=BanKind.choices, distinct=True)
    status = filters.ChoiceFilter(field_name="bans__status", choices=BanStatus.choices, distinct=True)
    in_force_at = InstantFilter(method="filter_in_force_at", label=_("met een verbod van kracht op"))

    class Meta:
        model = Decision
        fields = ["person", "authority", "legal_basis", "reference", "kind", "status", "in_force_at"]

    def filter_in_force_at(self, queryset, name, value):
        return queryset.filter(pk__in=Ban.objects.in_force(at=value).values("decision_id"))


class PersonFilter(filters.FilterSet):
    name = filters.CharFilter(method="filter_name", label=_("naam of alias"))
    surname = filters.CharFilter(method="filter_surname", label=_("achternaam"))

    class Meta:
        model = Person
        fields = ["name", "surname", "date_of_birth", "bsn", "strafrechtketennummer", "cjib_reference"]

    def filter_name(self, queryset, name, value):
        key = fold(value)
        return queryset.filter(Q(name_key__contains=key) | Q(aliases__name_key__contains=key)).distinct()

    def filter_surname(self, queryset, name, value):
        return queryset.filter(surname_key=surname_key(value))


class ProtectedPersonFilter(filters.FilterSet):
    surname = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = ProtectedPerson
        fields = ["surname", "date_of_birth", "city"]
