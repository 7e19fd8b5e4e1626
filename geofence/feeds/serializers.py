"""Validate feed items by hand: a DRF serializer per item is too slow for 10,000 fixes.

Each item either becomes a plain tuple ready for the database or a Rejection
with a reason code from QuarantineReason and a message naming field and value.
The DRF serializers at the bottom only describe the payloads for the OpenAPI schema.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import numpy as np
from rest_framework import serializers

from config.jsonsafety import storable, text_problem, value_problem
from geofence.models import EventType, QuarantineReason

# Fixes before this are a device clock that was never set, not history.
EARLIEST_TS = datetime(2000, 1, 1, tzinfo=UTC)
MAX_DEVICE_REF_LENGTH = 64
MAX_ACCURACY_M = 100_000.0
EVENT_TYPES = frozenset(EventType.values)


class ItemError(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Rejection:
    index: int
    reason: str
    detail: str
    raw: Any
    device_ref: str = ""

    def as_json(self) -> dict:
        return {"index": self.index, "reason": self.reason, "detail": self.detail}


class ParsedFix(NamedTuple):
    """A valid fix; a tuple, because a batch builds thousands and a frozen dataclass costs a call per field."""

    index: int
    device_ref: str
    ts: datetime
    lat: float
    lon: float
    accuracy_m: float
    speed_mps: float | None
    heading: float | None
    battery_pct: float | None


@dataclass(frozen=True)
class ParsedEvent:
    index: int
    device_ref: str
    ts: datetime
    type: str
    payload: dict


def validate_fixes(items: list, now: datetime, max_ahead: timedelta) -> tuple[list[ParsedFix], list[Rejection]]:
    """Split the items into valid fixes and rejections; the device is checked later, in bulk.

    The numbers of all items are checked at once, column by column (_plain_fixes);
    an item that fails any check there goes through the item-by-item parser,
    which alone words the reason, so rejections read the same either way.
    """
    valid, rejected = [], []
    latest = now + max_ahead
    plain = _plain_fixes(items, latest)
    for index, item in enumerate(items):
        parsed = plain[index]
        if parsed is not None:
            valid.append(parsed)
            continue
        try:
            valid.append(_parse_fix(index, item, latest))
        except ItemError as exc:
            rejected.append(Rejection(index, exc.reason, exc.detail, item, _device_ref_of(item)))
    return valid, rejected


# (name, low, high, required) of the numbers of a fix, in ParsedFix order.
_FIX_NUMBERS = (
    ("lat", -90.0, 90.0, True),
    ("lon", -180.0, 180.0, True),
    ("accuracy_m", 0.0, MAX_ACCURACY_M, True),
    ("speed_mps", 0.0, 200.0, False),
    ("heading", 0.0, 360.0, False),
    ("battery_pct", 0.0, 100.0, False),
)
_NUMBER_TYPES = frozenset({int, float})


def _plain_fixes(items: list, latest: datetime) -> list[ParsedFix | None]:
    """Return a ParsedFix for each item that passes every check, None where the item parser must look.

    A thousand items cost a few dict lookups each and one numpy pass per
    number column, instead of six checks per number in Python.
    """
    n = len(items)
    dicts = [item if type(item) is dict else {} for item in items]
    ok = np.fromiter((type(item) is dict for item in items), dtype=bool, count=n)
    columns = []
    for name, low, high, required in _FIX_NUMBERS:
        checked = _number_column([item.get(name) for item in dicts], low, high, required)
        if checked is None:
            return [None] * n
        passed, floats = checked
        ok &= passed
        columns.append(floats)
    refs = [_plain_device_ref(item.get("device")) for item in dicts]
    stamps = [_plain_timestamp(item.get("ts"), latest) for item in dicts]
    return [
        ParsedFix(index, ref, ts, lat, lon, accuracy, speed, heading, battery)
        if good and ref is not None and ts is not None and _plain_extras(item)
        else None
        for index, (good, ref, ts, item, lat, lon, accuracy, speed, heading, battery) in enumerate(
            zip(ok.tolist(), refs, stamps, dicts, *columns, strict=True)
        )
    ]


_FIX_KEYS = frozenset({"device", "ts"} | {name for name, *_ in _FIX_NUMBERS})


def _plain_extras(item: dict) -> bool:
    """Return whether the keys a fix does not use hold only storable text (the item parser refuses the rest)."""
    if item.keys() <= _FIX_KEYS:  # most fixes: no set to build
        return True
    extras = item.keys() - _FIX_KEYS
    return value_problem({key: item[key] for key in extras}, numbers=False) is None


def _number_column(raw: list, low: float, high: float, required: bool) -> tuple[np.ndarray, list] | None:
    """Return which values are numbers within [low, high] (or absent, when optional) and the values as floats.

    The floats hold None where a value is absent; elsewhere, where the value
    failed, they mean nothing. None if numpy can't hold the values.
    """
    kinds = [type(v) for v in raw]
    number = np.fromiter((k in _NUMBER_TYPES for k in kinds), dtype=bool, count=len(raw))
    if not number.all():
        raw = [v if k in _NUMBER_TYPES else math.nan for v, k in zip(raw, kinds, strict=True)]
    try:
        values = np.array(raw, dtype=np.float64)
    except OverflowError:  # an integer beyond a double: the item parser rejects it
        return None
    with np.errstate(invalid="ignore"):
        passed = number & (values >= low) & (values <= high)  # NaN and infinities fail: the item parser names them
    floats = values.tolist()  # what float() makes of each: within the ranges every integer is exact
    if not required:
        absent = np.fromiter((k is type(None) for k in kinds), dtype=bool, count=len(raw))
        passed |= absent
        if absent.all():
            floats = [None] * len(raw)
        elif absent.any():
            floats = [None if gone else value for value, gone in zip(floats, absent.tolist(), strict=True)]
    return passed, floats


def _plain_device_ref(value: Any) -> str | None:
    if type(value) is not str or text_problem(value) is not None:
        return None
    value = value.strip()
    return value if 0 < len(value) <= MAX_DEVICE_REF_LENGTH else None


def _plain_timestamp(value: Any, latest: datetime) -> datetime | None:
    if type(value) is not str:
        return None
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        return None
    if ts.tzinfo is None:
        return None
    try:
        ts = ts.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 with an offset across the calendar's edge: the item parser words it
        return None
    return ts if EARLIEST_TS <= ts <= latest else None


def _parse_fix(index: int, item: Any, latest: datetime) -> ParsedFix:
    _require_storable_object(item)
    return ParsedFix(
        index=index,
        device_ref=_device_ref(item),
        ts=_timestamp(item, latest),
        lat=_number(item, "lat", -90.0, 90.0),
        lon=_number(item, "lon", -180.0, 180.0),
        accuracy_m=_number(item, "accuracy_m", 0.0, MAX_ACCURACY_M),
        speed_mps=_number(item, "speed_mps", 0.0, 200.0, required=False),
        heading=_number(item, "heading", 0.0, 360.0, required=False),
        battery_pct=_number(item, "battery_pct", 0.0, 100.0, required=False),
    )


def validate_events(items: list, now: datetime, max_ahead: timedelta) -> tuple[list[ParsedEvent], list[Rejection]]:
    """Split the items into valid device events and rejections."""
    valid, rejected = [], []
    latest = now + max_ahead
    for index, item in enumerate(items):
        try:
            valid.append(_parse_event(index, item, latest))
        except ItemError as exc:
            rejected.append(Rejection(index, exc.reason, exc.detail, item, _device_ref_of(item)))
    return valid, rejected


def _parse_event(index: int, item: Any, latest: datetime) -> ParsedEvent:
    _require_storable_object(item)
    kind = item.get("type")
    if kind not in EVENT_TYPES:
        raise ItemError(QuarantineReason.UNKNOWN_TYPE, f"type: {kind!r} is not one of {', '.join(sorted(EVENT_TYPES))}")
    device_ref, ts = _device_ref(item), _timestamp(item, latest)
    payload = {k: v for k, v in item.items() if k not in ("device", "ts", "type")}
    if "battery_pct" in payload:
        payload["battery_pct"] = _number(item, "battery_pct", 0.0, 100.0)
    return ParsedEvent(index, device_ref, ts, kind, sanitize(payload))


def _require_storable_object(item: Any) -> None:
    if not isinstance(item, dict):
        raise ItemError(QuarantineReason.MALFORMED, f"item must be an object, got {type(item).__name__}")
    # NUL and lone surrogates: PostgreSQL and the UTF-8 encoder would fail on them after the item was accepted.
    problem = value_problem(item, numbers=False)
    if problem is not None:
        raise ItemError(QuarantineReason.MALFORMED, f"{problem[0]}: {problem[1]}")


def _device_ref(item: dict) -> str:
    value = item.get("device")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ItemError(QuarantineReason.MALFORMED, f"device: must be a string, got {value!r}")
    value = str(value).strip()
    if not value or len(value) > MAX_DEVICE_REF_LENGTH:
        raise ItemError(QuarantineReason.MALFORMED, f"device: must be 1..{MAX_DEVICE_REF_LENGTH} characters")
    return value


def _device_ref_of(item: Any) -> str:
    value = item.get("device") if isinstance(item, dict) else None
    return storable(str(value)[:200]) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _timestamp(item: dict, latest: datetime) -> datetime:
    value = item.get("ts")
    ts = _parse_ts(value)
    if ts > latest:
        raise ItemError(QuarantineReason.FUTURE_TIMESTAMP, f"ts: {value} is more than 5 minutes ahead of the server")
    if ts < EARLIEST_TS:
        raise ItemError(QuarantineReason.OUT_OF_RANGE, f"ts: {value} is before 2000-01-01")
    return ts


def _parse_ts(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            ts = datetime.fromisoformat(value)
        except ValueError:
            raise ItemError(QuarantineReason.MALFORMED, f"ts: {value!r} is not an ISO 8601 time") from None
        if ts.tzinfo is None:
            raise ItemError(QuarantineReason.MALFORMED, f"ts: {value!r} needs a UTC offset, e.g. Z")
        try:
            return ts.astimezone(UTC)
        except OverflowError:  # year 1 or 9999 with an offset that crosses the calendar's edge
            raise ItemError(QuarantineReason.OUT_OF_RANGE, f"ts: {value!r} is not a possible time") from None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _too_large(value):
            raise ItemError(QuarantineReason.OUT_OF_RANGE, f"ts: {_digits(value)} is not a possible time")
        if not math.isfinite(value):
            raise ItemError(QuarantineReason.NAN_OR_INFINITE, f"ts: {value!r}")
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            raise ItemError(QuarantineReason.OUT_OF_RANGE, f"ts: {value!r} is not a possible time") from None
    raise ItemError(QuarantineReason.MALFORMED, f"ts: required, an ISO 8601 time with offset, got {value!r}")


def _number(item: dict, name: str, low: float, high: float, required: bool = True) -> float | None:
    value = item.get(name)
    if value is None:
        if required:
            raise ItemError(QuarantineReason.MALFORMED, f"{name}: required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ItemError(QuarantineReason.MALFORMED, f"{name}: must be a number, got {value!r}")
    if _too_large(value):
        raise ItemError(QuarantineReason.OUT_OF_RANGE, f"{name}: {_digits(value)} is outside {low:g}..{high:g}")
    if not math.isfinite(value):
        raise ItemError(QuarantineReason.NAN_OR_INFINITE, f"{name}: {value!r}")
    if not low <= value <= high:
        raise ItemError(QuarantineReason.OUT_OF_RANGE, f"{name}: {value} is outside {low:g}..{high:g}")
    return float(value)


def _too_large(value: int | float) -> bool:
    """Tell whether an integer is beyond a double (JSON allows any length); math.isfinite would overflow."""
    return isinstance(value, int) and abs(value) > _LARGEST_DOUBLE


_LARGEST_DOUBLE = int(1.7976931348623157e308)


def _digits(value: int) -> str:
    return f"an integer of {len(str(abs(value)))} digits"


def sanitize(value: Any) -> Any:
    """Return the value with NaN, infinities, NUL and lone surrogates as text, so it fits a JSON column."""
    return storable(value)


# --- Schema only -------------------------------------------------------------------------------------------


class FixSchema(serializers.Serializer):
    device = serializers.CharField(max_length=MAX_DEVICE_REF_LENGTH, help_text="The vendor's own device id.")
    ts = serializers.DateTimeField(help_text="Event time of the fix, ISO 8601 with offset (UTC preferred).")
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    accuracy_m = serializers.FloatField(min_value=0, help_text="Horizontal accuracy radius in metres.")
    speed_mps = serializers.FloatField(required=False, min_value=0)
    heading = serializers.FloatField(required=False, min_value=0, max_value=360)
    battery_pct = serializers.FloatField(required=False, min_value=0, max_value=100)


class PositionsSchema(serializers.Serializer):
    fixes = FixSchema(many=True, help_text="At most 10,000 fixes.")


class EventSchema(serializers.Serializer):
    device = serializers.CharField(max_length=MAX_DEVICE_REF_LENGTH)
    ts = serializers.DateTimeField()
    type = serializers.ChoiceField(choices=sorted(EVENT_TYPES))
    battery_pct = serializers.FloatField(required=False, min_value=0, max_value=100)


class EventsSchema(serializers.Serializer):
    events = EventSchema(many=True, help_text="At most 10,000 events.")


class RejectedItemSchema(serializers.Serializer):
    index = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=QuarantineReason.values)
    detail = serializers.CharField()


class FeedAnswerSchema(serializers.Serializer):
    accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = RejectedItemSchema(many=True)


class FeedErrorSchema(serializers.Serializer):
    detail = serializers.CharField()
    # A 401 and a body over the size limit carry no code (docs/feed-api.md).
    code = serializers.CharField(required=False)
