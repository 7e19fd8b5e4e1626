"""Find what JSON may carry but a database or an encoder cannot take.

Python's json accepts NaN, Infinity and 1e999 (read as infinity), "\\u0000"
(PostgreSQL refuses NUL in text and jsonb), lone surrogates such as "\\ud800"
(no UTF-8 encoder takes them) and nesting deep enough to exhaust the stack.
Each of these would otherwise surface as a 500 far from where it came in.
"""

import math
import re
from typing import Any

MAX_DEPTH = 32
# NUL, and UTF-16 surrogate halves that did not pair up when the JSON was decoded.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Return why a database cannot store the text, or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (\\u0000)"
    return f"contains an unpaired surrogate (\\u{ord(found.group()):04x})"


def value_problem(value: Any, max_depth: int = MAX_DEPTH, numbers: bool = True) -> tuple[str, str] | None:
    """Return (path, reason) of the first unstorable part of a decoded JSON value, or None.

    With `numbers` false, NaN and infinities pass: the caller judges them itself.
    """
    stack = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > max_depth:
            return path, f"nested more than {max_depth} levels deep"
        if isinstance(item, str):
            problem = text_problem(item)
        elif isinstance(item, float) and numbers:
            problem = None if math.isfinite(item) else f"{item!r} is not a finite number"
        elif isinstance(item, dict):
            problem = next((f"key {k!r} {p}" for k in item if (p := text_problem(k))), None)
            stack.extend((v, _join(path, k), depth + 1) for k, v in item.items())
        elif isinstance(item, list):
            problem = None
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(item))
        else:
            problem = None
        if problem:
            return path, problem
    return None


def storable(value: Any, depth: int = 0) -> Any:
    """Return the value with unstorable text escaped and non-finite numbers as text, to keep it as evidence.

    Parts nested deeper than MAX_DEPTH are cut off: a JSON column need not hold a stack-exhausting document.
    """
    if isinstance(value, str):
        return _UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict | list) and depth >= MAX_DEPTH:
        return f"(nested deeper than {MAX_DEPTH} levels)"
    if isinstance(value, dict):
        return {storable(str(k)): storable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [storable(v, depth + 1) for v in value]
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else str(key)
