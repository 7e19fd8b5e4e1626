"""Admin forms: the same rules as the API, plus the reason every change needs."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.jsonsafety import value_problem

from .field_names import BAN_FIELDS, DECISION_COLUMNS, PERSON_FIELDS, PROTECTED_FIELDS
from .lifecycle import FINAL_STATUSES, TRANSITIONS
from .models import Ban, BanStatus, Decision, Person, PoliceRegion, ProtectedPerson
from .regions import region_of_ban
from .terms import open_bans_problems
from .validators import (
    creation_status_problem,
    normalise_ban,
    validate_contact_modes,
    validate_latitude,
    validate_longitude,
    validate_radius,
    validate_time_windows,
    validate_zone_geojson_field,
)
from .widgets import ContactModesWidget, TimeWindowsWidget, ZoneMapWidget

LIFECYCLE_CHOICES = [
    ("", "—"),
    ("activate", _("van kracht laten worden (activate)")),
    ("suspend", _("schorsen (suspend)")),
    ("reinstate", _("hervatten (reinstate)")),
    ("revoke", _("intrekken (revoke)")),
    ("end", _("beëindigen (end)")),
]


def storable_json(value) -> None:
    """Refuse NUL, lone surrogates and deep nesting in a JSON field: PostgreSQL's jsonb would fail on save."""
    problem = value_problem(value)
    if problem is not None:
        path, reason = problem
        raise ValidationError(f"{path or 'JSON'}: {reason}", code="unstorable")


class ReasonForm(forms.ModelForm):
    """A model form with a `reason` that is required whenever an existing row changes."""

    reason = forms.CharField(
        label=_("reden van de wijziging"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht bij een wijziging; wordt in de historie bewaard."),
    )

    def model_changes(self) -> list[str]:
        return [name for name in self.changed_data if name not in ("reason", "lifecycle_action")]

    def clean(self):
        cleaned = super().clean()
        wants_change = self.model_changes() or cleaned.get("lifecycle_action")
        if self.instance.pk and wants_change and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Geef een reden op voor deze wijziging."))
        return cleaned


class PersonAdminForm(ReasonForm):
    alias_lines = forms.CharField(
        label=_("aliassen"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Eén per regel.")
    )

    class Meta:
        model = Person
        fields = [name for name in PERSON_FIELDS if name != "aliases"]  # aliases: the alias_lines field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["alias_lines"] = "\n".join(sorted(self.instance.aliases.values_list("name", flat=True)))

    def clean_alias_lines(self) -> list[str]:
        return sorted({line.strip() for line in self.cleaned_data["alias_lines"].splitlines() if line.strip()})


class ProtectedPersonAdminForm(ReasonForm):
    class Meta:
        model = ProtectedPerson
        fields = list(PROTECTED_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_lat"].validators.append(validate_latitude)
        self.fields["home_lon"].validators.append(validate_longitude)


class DecisionAdminForm(ReasonForm):
    class Meta:
        model = Decision
        fields = ["person", *DECISION_COLUMNS]

    def clean_legal_basis(self):
        basis = self.cleaned_data["legal_basis"]
        problems = open_bans_problems(self.instance.pk, basis) if basis != self.instance.legal_basis else []
        if problems:
            raise ValidationError(problems)
        return basis

    def clean_person(self):
        person = self.cleaned_data["person"]
        if self.instance.pk and person != self.instance.person:
            raise ValidationError(_("De persoon van een beslissing kan niet worden gewijzigd."))
        return person


class BanAdminForm(ReasonForm):
    lifecycle_action = forms.ChoiceField(label=_("statuswijziging"), choices=LIFECYCLE_CHOICES, required=False)
    region = forms.ChoiceField(
        label=_("regio (meldkamer)"),
        choices=[("", "—"), *PoliceRegion.choices],
        required=False,
        help_text=_("De regio waarvan de meldkamer het verbod bewaakt; leeg: een supervisor kiest hem."),
    )

    class Meta:
        model = Ban
        fields = ["decision", "person", *BAN_FIELDS, "protected_persons"]
        widgets = {
            "zone_geojson": ZoneMapWidget,
            "time_windows": TimeWindowsWidget,
            "contact_modes": ContactModesWidget,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].initial = region_of_ban(self.instance)
        if "zone_geojson" in self.fields:
            self.fields["zone_geojson"].label = _("zone op de kaart")
            if self.instance.pk:
                self.fields["zone_geojson"].widget.homes = protected_homes(self.instance)
        extra = {
            "radius_m": validate_radius,
            "centre_lat": validate_latitude,
            "centre_lon": validate_longitude,
            "zone_geojson": validate_zone_geojson_field,
            "time_windows": validate_time_windows,
            "contact_modes": validate_contact_modes,
        }
        for name, validator in extra.items():
            if name in self.fields:
                self.fields[name].validators.append(validator)
        for name in ("zone_geojson", "time_windows", "contact_modes"):
            if name in self.fields:
                self.fields[name].validators.insert(0, storable_json)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._check_change(cleaned)
        elif problem := creation_status_problem(cleaned.get("status") or BanStatus.ACTIVE):
            self.add_error("status", problem)
        state = {**{f.name: getattr(self.instance, f.name, None) for f in Ban._meta.concrete_fields}, **cleaned}
        for field, errors in normalise_ban(state).items():
            if field in self.errors:
                continue  # its own check said what is wrong; "missing" would only repeat it
            for error in errors:
                self.add_error(field if field in self.fields else None, error)
        for name in ("zone_shape", "radius_m", "contact_modes"):
            if name in state:
                cleaned[name] = state[name]
        return cleaned

    def _check_change(self, cleaned) -> None:
        if self.instance.status in FINAL_STATUSES and self.model_changes():
            self.add_error(None, _("Een beëindigd of ingetrokken verbod wordt niet meer gewijzigd."))
        action = cleaned.get("lifecycle_action")
        if action and self.instance.status not in TRANSITIONS[action][0]:
            message = _("Deze statuswijziging kan niet vanuit status '%(status)s'.")
            self.add_error("lifecycle_action", message % {"status": self.instance.get_status_display()})


def protected_homes(ban: Ban) -> list[dict]:
    """Return the homes of the ban's protected persons, for the zone map: the usual centre of a zone."""
    people = ban.protected_persons.filter(home_lat__isnull=False, home_lon__isnull=False)
    return [{"lat": p.home_lat, "lon": p.home_lon, "name": p.full_name} for p in people]
