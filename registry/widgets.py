"""Form widgets for a ban: the zone drawn on a map, weekly time windows as rows, contact modes as checkboxes.

Each widget hands the form the same JSON the API takes, so the one set of validators
(registry/validators.py) judges what the registrar drew or entered. A request that
posts the raw JSON under the field's own name (a script, an older form) still works.
"""

import json
from itertools import zip_longest
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from geofence.engine.constants import DEFAULT_AREA_BAN_RADIUS_M

from .models import ContactMode

# Where an empty map opens: the middle of the Netherlands.
MAP_START = {"lat": 52.15, "lon": 5.3, "zoom": 8}
DAY_NAMES = (_("maandag"), _("dinsdag"), _("woensdag"), _("donderdag"), _("vrijdag"), _("zaterdag"), _("zondag"))
DAY_SHORT = (_("ma"), _("di"), _("wo"), _("do"), _("vr"), _("za"), _("zo"))
DAY_GROUPS = (
    ((0, 1, 2, 3, 4, 5, 6), _("elke dag")),
    ((0, 1, 2, 3, 4), _("maandag t/m vrijdag")),
    ((5, 6), _("zaterdag en zondag")),
    *(((day,), name) for day, name in enumerate(DAY_NAMES)),
)
EMPTY_WINDOW_ROWS = 2


def _loaded(value: Any) -> Any:
    """Return a JSON field's value as data: the form gives text, the model a list."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


class ZoneMapWidget(forms.Textarea):
    """The GeoJSON field as a map to draw on: a circle (centre and radius fields) or a polygon (this field)."""

    template_name = "registry/widgets/zone_map.html"

    class Media:
        css = {"all": ["vendor/leaflet/leaflet.css", "registry/ban_form.css"]}
        js = ["vendor/leaflet/leaflet.js", "registry/zone_editor.js"]

    def __init__(self, attrs=None, homes: list[dict] | None = None):
        super().__init__({"rows": 4, "class": "zone-geojson", **(attrs or {})})
        self.homes = homes or []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["editor"] = {
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "default_radius_m": int(DEFAULT_AREA_BAN_RADIUS_M),
            "start": json.dumps(MAP_START),
            "homes": json.dumps(self.homes),
        }
        return context


class TimeWindowsWidget(forms.Widget):
    """Weekly time windows as rows of weekdays, start and end time; empty rows are left out."""

    template_name = "registry/widgets/time_windows.html"

    class Media:
        js = ["registry/zone_editor.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        windows = _loaded(value)
        rows = [w for w in windows if isinstance(w, dict)] if isinstance(windows, list) else []
        groups = [(_days_value(days), label) for days, label in DAY_GROUPS]
        shown = [self._row(window, groups) for window in rows]
        shown += [{"days": "", "start": "", "end": "", "choices": groups}] * EMPTY_WINDOW_ROWS
        context["widget"]["rows"] = shown
        return context

    @staticmethod
    def _row(window: dict, groups: list[tuple[str, str]]) -> dict:
        days = window.get("days") if isinstance(window.get("days"), list) else []
        value = _days_value(days)
        choices = groups
        if value not in dict(groups):  # an unusual set of days stays selectable as it is
            label = ", ".join(str(DAY_SHORT[d]) for d in days if isinstance(d, int) and 0 <= d <= 6)
            choices = [*groups, (value, label)]
        return {"days": value, "start": window.get("start", ""), "end": window.get("end", ""), "choices": choices}

    def value_from_datadict(self, data, files, name):
        if f"{name}-days" not in data and name in data:
            return data[name]
        parts = (data.getlist(f"{name}-{part}") for part in ("days", "start", "end"))
        rows = zip_longest(*parts, fillvalue="")  # a short list leaves its rows incomplete, for the validator
        windows = [
            {"days": _days_list(days), "start": start.strip(), "end": end.strip()}
            for days, start, end in rows
            if days or start.strip() or end.strip()
        ]
        return json.dumps(windows)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}-days" not in data


class ContactModesWidget(forms.CheckboxSelectMultiple):
    """The contact modes of a contact ban as checkboxes; none ticked means every mode."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=ContactMode.choices)

    def format_value(self, value):
        modes = _loaded(value)
        return [str(mode) for mode in modes] if isinstance(modes, list) else []

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if isinstance(values, str):
            values = [values]
        if values and len(values) == 1 and values[0].lstrip().startswith("["):
            return values[0]  # the raw JSON list
        return json.dumps(values or [])

    def value_omitted_from_data(self, data, files, name):
        return False  # no box ticked is an answer: every mode


def _days_value(days: Any) -> str:
    return ",".join(str(d) for d in days) if isinstance(days, list | tuple) else ""


def _days_list(value: str) -> list[int] | str:
    """Return the weekdays of a select value; anything else as given, for the validator to refuse."""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    return [int(part) for part in parts] if all(part.isdigit() for part in parts) and parts else value
