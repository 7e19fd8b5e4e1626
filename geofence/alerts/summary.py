"""A one-line Dutch summary of an alert message, for the reference consumer and logs."""

import contextlib
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from registry.wording import distance_text

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def summary_line(message: dict) -> str:
    """Return e.g. 'PRIO 1 | 28-11 18:47 | Zone betreden (geopend) | Jan Test (01-02-1985) | 1,2 km, ca. 3 min | …'."""
    parts = [
        _("PRIO %(level)s") % {"level": _get(message, "priority", "level", default="?")},
        _local_time(_get(message, "created_at")),
        _incident(message),
        _subject(message),
        _proximity(message),
        _enforcement(message),
        _("melding %(id)s") % {"id": message.get("alert_id", "?")},
    ]
    return " | ".join(part for part in parts if part)


def _get(message: dict, *keys, default=None):
    value = message
    for key in keys:
        if not isinstance(value, dict) or value.get(key) is None:
            return default
        value = value[key]
    return value


def _local_time(value: str | None) -> str:
    try:
        return datetime.fromisoformat(value).astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M:%S")
    except (TypeError, ValueError):
        return ""


def _incident(message: dict) -> str:
    label = _get(message, "incident", "type_label") or _get(message, "incident", "type", default=_("onbekend"))
    change = _get(message, "incident", "change_label") or _get(message, "incident", "change", default="")
    verdict = _get(message, "incident", "verdict")
    text = f"{label} ({change})" if change else label
    return text + (" " + _("[mogelijk]") if verdict == "possible" else "")


def _subject(message: dict) -> str:
    name = _get(message, "subject", "name", default=_("onbekende persoon"))
    born = _get(message, "subject", "date_of_birth")
    if not born:
        return name
    with contextlib.suppress(ValueError):
        born = datetime.fromisoformat(born).strftime("%d-%m-%Y")
    return _("%(name)s (geb. %(born)s)") % {"name": name, "born": born}


def _proximity(message: dict) -> str:
    distance = _get(message, "proximity", "distance_m")
    eta = _get(message, "proximity", "eta_minutes")
    if distance is None:
        return ""
    text = _("%(distance)s van beschermde locatie") % {"distance": distance_text(distance)}
    return text + (", " + _("ca. %(min)d min") % {"min": round(eta)} if eta is not None else "")


def _enforcement(message: dict) -> str:
    if _get(message, "enforcement", "arrest_possible"):
        article = _get(message, "enforcement", "legal_article", default="")
        return _("aanhouding mogelijk (%(article)s)") % {"article": article}
    return _("melden aan OM")
