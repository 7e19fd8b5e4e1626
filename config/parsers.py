"""A JSON parser for the API that answers 400 with the field at fault, where Python's json would let a 500 through."""

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .jsonsafety import MAX_DEPTH, value_problem


class _NonFinite(float):
    """NaN or Infinity as written in the body: reported by field instead of failing the whole parse."""


def _constant(name: str) -> float:
    return _NonFinite(name.replace("Infinity", "inf"))


class StrictJSONParser(JSONParser):
    """Refuse NaN, Infinity, 1e999, NUL, lone surrogates and deep nesting with a field-level 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_constant)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested more than {MAX_DEPTH} levels deep") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        problem = value_problem(data)
        if problem is not None:
            path, reason = problem
            field = path.split(".")[0].split("[")[0] or "non_field_errors"
            raise ParseError({field: [f"{path or 'body'}: {reason}"]})
        return data
