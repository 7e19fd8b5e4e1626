"""Validators for registry input, shared by the API, the import and the admin.

Each is a small callable class with a `message` and a `code`, raising Django's
ValidationError so DRF serializers, model forms and the importer all report
the same text. Zone geometry and time windows are judged by the geofence
engine, so what the registry accepts is exactly what the engine can evaluate.
"""

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from geofence.engine.constants import DEFAULT_AREA_BAN_RADIUS_M, SUPPORTED_LAT_RANGE, SUPPORTED_LON_RANGE
from geofence.engine.errors import InvalidZone
from geofence.engine.windows import windows_from_json
from geofence.engine.zones import validate_zone_geojson

from .models import BanKind, BanStatus, ContactMode, ZoneShape
from .terms import basis_problems

# Registry policy, stricter than the engine: larger zones are not victim-related bans.
MAX_AREA_BAN_RADIUS_M = 50_000.0
WINDOW_KEYS = frozenset({"days", "start", "end"})


class ZoneGeoJSONValidator:
    """Refuse GeoJSON that is not a valid (Multi)Polygon the engine can use."""

    message = _("Ongeldig gebied (GeoJSON): %(reason)s")
    code = "invalid_geojson"

    def __call__(self, value: Any) -> None:
        try:
            validate_zone_geojson(value)
        except InvalidZone as exc:
            code = "self_intersection" if "Self-intersection" in exc.reason else self.code
            raise ValidationError(self.message, code=code, params={"reason": exc.reason}) from exc


class RadiusValidator:
    """Refuse a radius that is not in (0, 50 km]."""

    message = _("De straal moet groter dan 0 en hoogstens %(max)s m zijn; opgegeven: %(value)s.")
    code = "radius_out_of_range"

    def __call__(self, value: float) -> None:
        if not (isinstance(value, int | float) and math.isfinite(value) and 0 < value <= MAX_AREA_BAN_RADIUS_M):
            raise ValidationError(self.message, code=self.code, params={"max": "50000", "value": value})


class CoordinateValidator:
    """Refuse a latitude or longitude that is not finite, out of range, or outside the engine's area."""

    def __init__(self, axis: str) -> None:
        self.axis = axis
        self.limit = 90.0 if axis == "lat" else 180.0
        self.supported = SUPPORTED_LAT_RANGE if axis == "lat" else SUPPORTED_LON_RANGE

    def __call__(self, value: float) -> None:
        if not (isinstance(value, int | float) and math.isfinite(value)):
            raise ValidationError(_("Geen geldig getal: %(value)s."), code="not_finite", params={"value": value})
        if not -self.limit <= value <= self.limit:
            raise ValidationError(
                _("Moet tussen -%(limit)s en %(limit)s liggen; opgegeven: %(value)s."),
                code="out_of_range",
                params={"limit": int(self.limit), "value": value},
            )
        low, high = self.supported
        if not low <= value <= high:
            raise ValidationError(
                _("Ligt buiten het ondersteunde gebied (%(low)s..%(high)s); opgegeven: %(value)s."),
                code="outside_supported_area",
                params={"low": low, "high": high, "value": value},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CoordinateValidator) and other.axis == self.axis


class TimeWindowsValidator:
    """Refuse weekly windows not shaped [{"days": [0..6], "start": "HH:MM", "end": "HH:MM"}]."""

    message = _("Tijdvenster %(index)s: %(reason)s")
    code = "invalid_time_window"

    def __call__(self, value: Any) -> None:
        if not isinstance(value, list):
            raise ValidationError(_("Tijdvensters moeten een lijst zijn."), code=self.code)
        for index, item in enumerate(value, start=1):
            reason = self.item_problem(item)
            if reason:
                raise ValidationError(self.message, code=self.code, params={"index": index, "reason": reason})
        try:
            windows_from_json(value)
        except InvalidZone as exc:
            raise ValidationError(self.message, code=self.code, params={"index": "?", "reason": exc.reason}) from exc

    @staticmethod
    def item_problem(item: Any) -> str:
        """Return why one window is malformed, or "" when it is fine."""
        if not isinstance(item, dict) or set(item) != WINDOW_KEYS:
            return str(_('verwacht {"days": [0..6], "start": "HH:MM", "end": "HH:MM"}'))
        days = item["days"]
        if not isinstance(days, list) or not days:
            return str(_("days moet een niet-lege lijst zijn (maandag = 0)"))
        if any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in days):
            return _("days moet getallen 0 (maandag) t/m 6 (zondag) bevatten, niet %(days)s") % {"days": repr(days)}
        for key in ("start", "end"):
            if not isinstance(item[key], str) or len(item[key]) != 5:
                return _("%(key)s moet een tijd HH:MM zijn, niet %(value)s") % {"key": key, "value": repr(item[key])}
        return ""


class ContactModesValidator:
    message = _("Onbekende vorm van contact: %(value)s (kies uit %(choices)s).")
    code = "invalid_choice"

    def __call__(self, value: Any) -> None:
        if not isinstance(value, list) or any(mode not in ContactMode.values for mode in value):
            raise ValidationError(
                self.message, code=self.code, params={"value": value, "choices": ", ".join(ContactMode.values)}
            )


validate_zone_geojson_field = ZoneGeoJSONValidator()
validate_radius = RadiusValidator()
validate_latitude = CoordinateValidator("lat")
validate_longitude = CoordinateValidator("lon")
validate_time_windows = TimeWindowsValidator()
validate_contact_modes = ContactModesValidator()


def normalise_ban(attrs: dict[str, Any]) -> dict[str, list[ValidationError]]:
    """Check the rules that span several fields of a ban, filling defaults in `attrs`.

    Return errors by field name; empty when the ban is consistent. `attrs`
    holds the complete state (existing values merged with the changes), with
    `protected_persons` a list and `decision`/`person` model instances.
    """
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    start, end = attrs.get("valid_from"), attrs.get("valid_until")
    if start and end and end <= start:
        add("valid_until", _("De einddatum moet na de begindatum (geldig vanaf) liggen."), "end_before_start")
    if "person" in attrs and attrs["person"] is None:
        add("person", _("Een verbod hoort bij een persoon."), "required")
    decision = attrs.get("decision")
    if decision is not None and attrs.get("person") is not None and decision.person_id != attrs["person"].pk:
        add("person", _("De persoon van het verbod moet de persoon van de beslissing zijn."), "person_mismatch")
    kind = attrs.get("kind")
    if kind == BanKind.CONTACT:
        _check_contact_ban(attrs, add)
    elif kind in (BanKind.AREA, BanKind.PRESENCE):
        _check_zone(attrs, add)
    if decision is not None and not errors:
        for field, problems in basis_problems(decision.legal_basis, attrs).items():
            for message, code in problems:
                add(field, message, code)
    return errors


def _check_contact_ban(attrs: dict[str, Any], add) -> None:
    if not attrs.get("protected_persons"):
        add("protected_persons", _("Een contactverbod noemt minstens één beschermd persoon."), "required")
    if not attrs.get("contact_modes"):
        attrs["contact_modes"] = list(ContactMode.values)
    # radius_m stays allowed: the distance to keep from a protected person who carries a victim unit.
    for field in ("zone_shape", "centre_lat", "centre_lon", "zone_geojson"):
        if attrs.get(field) not in (None, ""):
            add(field, _("Een contactverbod heeft geen zone."), "not_allowed")
    if attrs.get("time_windows"):
        add("time_windows", _("Een contactverbod heeft geen tijdvensters."), "not_allowed")


def _check_zone(attrs: dict[str, Any], add) -> None:
    shape = attrs.get("zone_shape") or (ZoneShape.POLYGON if attrs.get("zone_geojson") else "")
    if not shape and (attrs.get("centre_lat") is not None or attrs.get("centre_lon") is not None):
        shape = ZoneShape.CIRCLE
    attrs["zone_shape"] = shape
    if not shape:
        add("zone_shape", _("Een locatieverbod of locatiegebod heeft een zone nodig (cirkel of gebied)."), "required")
    elif shape == ZoneShape.CIRCLE:
        for field in ("centre_lat", "centre_lon"):
            if attrs.get(field) is None:
                add(field, _("Een cirkelvormige zone heeft een middelpunt nodig."), "required")
        if attrs.get("radius_m") is None:
            attrs["radius_m"] = DEFAULT_AREA_BAN_RADIUS_M
    elif not attrs.get("zone_geojson"):
        add("zone_geojson", _("Een gebied heeft een GeoJSON-polygoon nodig."), "required")
    if attrs.get("contact_modes"):
        add("contact_modes", _("Vormen van contact horen alleen bij een contactverbod."), "not_allowed")


def creation_status_problem(status: str) -> str:
    """Return why a new ban may not start with this status, or ""."""
    if status in (BanStatus.PENDING, BanStatus.ACTIVE):
        return ""
    return str(_("Een nieuw verbod begint als 'nog niet van kracht' (pending) of 'van kracht' (active)."))
