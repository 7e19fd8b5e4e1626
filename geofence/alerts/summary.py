"""A one-line Dutch summary of an alert message, for the reference consumer and logs."""

import contextlib
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def summary_line(message: dict) -> str:
    """Return e.g. 'PRIO 1 | 28-11 18:47 | Zone betreden (geopend) | Jan Test (01-02-1985) | 52.10000, 5.11000 | …'."""
    parts = [
        _("PRIO %(level)s") % {"level": _get(message, "priority", "level", default="?")},
        _local_time(_get(message, "created_at")),
        _incident(message),
        _subject(message),
        _position(message),
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


def _position(message: dict) -> str:
    """The victim unit's position for a panic alert, else the subject's (the messages carry no distance)."""
    if _get(message, "victim_position"):
        fix, text = message["victim_position"], _("slachtoffer op %(lat).5f, %(lon).5f")
    elif _get(message, "last_fix"):
        fix, text = message["last_fix"], _("positie %(lat).5f, %(lon).5f")
    else:
        return ""
    return text % {"lat": fix["lat"], "lon": fix["lon"]} + " " + _("(%(age)d s oud)") % {"age": fix.get("age_s") or 0}


def _enforcement(message: dict) -> str:
    if _get(message, "enforcement", "arrest_possible"):
        article = _get(message, "enforcement", "legal_article", default="")
        return _("aanhouding mogelijk (%(article)s)") % {"article": article}
    return _("melden aan OM")
