"""The operator's checklist per incident type, read from the TOML file named by MONITOR_CHECKLIST_FILE.

The file lists, per incident type, the steps in the order they are done (docs/dashboard.md);
types without a list get the `default` list. It is read and checked once per process.
"""

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from geofence.models import IncidentType

DEFAULT = "default"
KEY = re.compile(r"^[a-z0-9_]{1,40}$")


@dataclass(frozen=True)
class Step:
    key: str
    text_nl: str
    text_en: str

    @property
    def text(self) -> str:
        """Return the step in the active language (Dutch unless English is active and given)."""
        english = (translation.get_language() or "").startswith("en")
        return self.text_en if english and self.text_en else self.text_nl


def parse(text: str, source: str = "checklist") -> dict[str, tuple[Step, ...]]:
    """Return the steps per incident type; raise ImproperlyConfigured naming the type and step at fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ImproperlyConfigured(f"{source}: {error}") from None
    types = data.get("type")
    if not isinstance(types, dict) or DEFAULT not in types:
        raise ImproperlyConfigured(f"{source}: [[type.{DEFAULT}]] is missing")
    return {name: _steps(name, entries, source) for name, entries in types.items()}


def _steps(name: str, entries, source: str) -> tuple[Step, ...]:
    if name != DEFAULT and name not in IncidentType.values:
        raise ImproperlyConfigured(f"{source}: unknown incident type '{name}'")
    steps: list[Step] = []
    for n, entry in enumerate(entries if isinstance(entries, list) else [None], start=1):
        where = f"{source}: type.{name} step {n}"
        if not isinstance(entry, dict) or not KEY.match(str(entry.get("key", ""))):
            raise ImproperlyConfigured(f"{where}: key must be 1-40 of a-z, 0-9, _")
        if not str(entry.get("tekst", "")).strip():
            raise ImproperlyConfigured(f"{where}: tekst is empty")
        if any(s.key == entry["key"] for s in steps):
            raise ImproperlyConfigured(f"{where}: key '{entry['key']}' repeated")
        steps.append(Step(entry["key"], str(entry["tekst"]).strip(), str(entry.get("text_en", "")).strip()))
    return tuple(steps)


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, tuple[Step, ...]]:
    return parse(Path(path).read_text(encoding="utf-8"), source=path)


def steps_for(incident_type: str) -> tuple[Step, ...]:
    """Return the checklist of an incident type, in order."""
    table = _load(settings.MONITOR_CHECKLIST_FILE)
    return table.get(incident_type) or table[DEFAULT]
