"""The alert message's JSON Schema (docs/alert-message.schema.json) and its version.

The schema file is the one source of the version: SCHEMA_VERSION is read from it.
"""

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "alert-message.schema.json"


@cache
def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


SCHEMA_VERSION: str = load_schema()["properties"]["schema_version"]["const"]

_formats = FormatChecker()


@_formats.checks("date-time", raises=ValueError)
def _is_rfc3339(value) -> bool:
    # jsonschema checks date-time only with an optional package; check it here with the standard library.
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@_formats.checks("uri", raises=ValueError)
def _is_absolute_uri(value) -> bool:
    parsed = urlparse(value) if isinstance(value, str) else None
    return parsed is None or bool(parsed.scheme and parsed.netloc)


@cache
def validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema(), format_checker=_formats)


def message_errors(message: dict) -> list[str]:
    """Return every schema violation of a message as 'path: reason' (empty when valid)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator().iter_errors(message), key=lambda e: list(e.absolute_path))
    ]
