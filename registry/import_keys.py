"""The keys a decision file may use, and the refusal of any other key with its line and a likely meant name.

Pure: no database. A misspelt key (`valid_untill`, `radius_meters`) would otherwise be dropped without a
word and the ban imported open-ended or with the default radius; it is refused instead.
"""

from difflib import get_close_matches
from typing import Any

from django.utils.translation import gettext as _

from .field_names import BAN_FIELDS, DECISION_COLUMNS, PERSON_FIELDS, PROTECTED_FIELDS

DECISION_KEYS = (*DECISION_COLUMNS, "person", "bans")
BAN_KEYS = (*BAN_FIELDS, "protected_persons")
UNKNOWN_CODE = "unknown_field"


def suggestion(name: str, known: tuple[str, ...] | list[str]) -> str | None:
    """Return the known name closest to a misspelt one, or None when none is close."""
    found = get_close_matches(name.lower(), known, n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_message(name: str, known: tuple[str, ...] | list[str], what: str) -> str:
    meant = suggestion(name, known)
    if meant:
        return _("onbekend %(what)s '%(name)s': bedoelt u '%(meant)s'?") % {"what": what, "name": name, "meant": meant}
    return _("onbekend %(what)s '%(name)s'") % {"what": what, "name": name}


def unknown_keys(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (path, message) for every key of a decision object the format does not know."""
    found = _unknown(data, DECISION_KEYS, "")
    person = data.get("person")
    if isinstance(person, dict):
        found += _unknown(person, PERSON_FIELDS, "person")
    bans = data.get("bans")
    for index, ban in enumerate(bans if isinstance(bans, list) else []):
        if not isinstance(ban, dict):
            continue
        found += _unknown(ban, BAN_KEYS, f"bans[{index}]")
        protected = ban.get("protected_persons")
        for j, item in enumerate(protected if isinstance(protected, list) else []):
            if isinstance(item, dict):
                found += _unknown(item, PROTECTED_FIELDS, f"bans[{index}].protected_persons[{j}]")
    return found


def _unknown(item: dict, known: tuple[str, ...], prefix: str) -> list[tuple[str, str]]:
    return [
        (f"{prefix}.{key}" if prefix else str(key), unknown_message(str(key), known, _("veld")))
        for key in item
        if key not in known
    ]
