"""List filters of the integration API."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from geofence.incidents.priority import HIGHEST, LOWEST
from geofence.models import Device, DeviceAssignment, DeviceKind, Incident, IncidentState, IncidentType
from geofence.monitor.labels import PoliceRegion
from registry.api.fields import IdFilter
from registry.api.filters import InstantFilter

from .queries import in_region


class PriorityField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=HIGHEST, max_value=LOWEST, **kwargs)


class PriorityFilter(filters.NumberFilter):
    field_class = PriorityField


class IncidentFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=IncidentState.choices)
    type = filters.ChoiceFilter(choices=IncidentType.choices)
    priority = PriorityFilter()
    region = filters.ChoiceFilter(choices=PoliceRegion.choices, method="filter_region", label=_("regio"))
    subject = IdFilter(field_name="person_id", label=_("persoon (betrokkene)"))
    ban = IdFilter(field_name="ban_id")
    device = IdFilter(field_name="device_id")
    opened_after = InstantFilter(field_name="opened_at", lookup_expr="gte", label=_("begonnen vanaf"))
    opened_before = InstantFilter(field_name="opened_at", lookup_expr="lt", label=_("begonnen voor"))
    changed_after = InstantFilter(field_name="updated_at", lookup_expr="gt", label=_("gewijzigd na"))

    class Meta:
        model = Incident
        fields = ["state", "type", "priority", "region", "subject", "ban", "device"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(in_region(value))


class DeviceFilter(filters.FilterSet):
    device_id = filters.CharFilter(max_length=64)
    vendor = filters.CharFilter(field_name="vendor__slug", max_length=60)
    kind = filters.ChoiceFilter(choices=DeviceKind.choices)
    active = filters.BooleanFilter()

    class Meta:
        model = Device
        fields = ["device_id", "vendor", "kind", "active"]


class AssignmentFilter(filters.FilterSet):
    device = IdFilter(field_name="device_id")
    person = IdFilter(field_name="person_id")
    protected_person = IdFilter(field_name="protected_person_id")
    in_force_at = InstantFilter(method="filter_in_force_at", label=_("van kracht op"))

    class Meta:
        model = DeviceAssignment
        fields = ["device", "person", "protected_person", "in_force_at"]

    def filter_in_force_at(self, queryset, name, value):
        return queryset.at(value)
