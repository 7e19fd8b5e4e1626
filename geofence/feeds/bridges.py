"""Turn Traccar's forwarded JSON and the OsmAnd HTTP protocol into feed items; the feed validates and stores them.

Field names and units follow Traccar (org.traccar.model.Position, Device, Event;
forward.PositionData and EventData; protocol.OsmAndProtocolDecoder): speed in
knots, course in degrees, accuracy in metres (0 when the device gave none),
`batteryLevel` in percent, alarms as a comma-separated `alarm` attribute.

A mapping never judges a value: it renames and converts what it finds and
leaves checking ranges to the feed (serializers.validate_fixes), so a bridged
fix passes exactly the checks a native one does. It raises BridgeError only
for a body whose shape it cannot read at all.
"""

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from geofence.models import EventType

KNOTS_PER_MPS = 1.943844  # Traccar's UnitsConverter.KNOTS_TO_MPS_RATIO
# A device that reports HDOP but no accuracy: accuracy ~ HDOP x the user-equivalent range error of a
# consumer GPS receiver. The engine then widens its verdict by this radius as for any other fix.
HDOP_TO_METRES = 5.0

# Traccar alarm (Position.ALARM_*) -> feed event type. Alarms not listed carry no meaning for a ban.
ALARM_EVENTS = {
    "tampering": EventType.STRAP_TAMPER,
    "removing": EventType.STRAP_TAMPER,
    "powerCut": EventType.POWER_OFF,
    "powerOff": EventType.POWER_OFF,
    "powerOn": EventType.POWER_ON,
    "powerRestored": EventType.POWER_ON,
    "lowBattery": EventType.LOW_BATTERY,
    "lowPower": EventType.LOW_BATTERY,
    "sos": EventType.PANIC_BUTTON,
}

# Feed field -> the name the sender used, per protocol: rejections name the sender's field.
TRACCAR_FIELDS = {
    "device": "device.uniqueId",
    "ts": "position.fixTime",
    "lat": "position.latitude",
    "lon": "position.longitude",
    "accuracy_m": "position.accuracy",
    "speed_mps": "position.speed",
    "heading": "position.course",
    "battery_pct": "position.attributes.batteryLevel",
}
TRACCAR_ALARM_FIELDS = {
    "device": "device.uniqueId",
    "ts": "position.deviceTime",
    "battery_pct": "position.attributes.batteryLevel",
}
TRACCAR_EVENT_FIELDS = {"device": "device.uniqueId", "ts": "event.eventTime", "type": "event.attributes.alarm"}
OSMAND_FIELDS = {
    "device": "id",
    "ts": "timestamp",
    "lat": "lat",
    "lon": "lon",
    "accuracy_m": "accuracy",
    "speed_mps": "speed",
    "heading": "bearing",
    "battery_pct": "batt",
}


class BridgeError(Exception):
    """The body cannot be read as the protocol's message: field -> message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Bridged:
    """What one message becomes: at most one fix, any events, and what was left out on purpose."""

    fixes: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def traccar_position(body) -> Bridged:
    """Map Traccar's position forwarding (forward.type=json): {"position": {...}, "device": {...}}."""
    position, device = _object(body, "position"), _object(body, "device")
    ref = _ref(device.get("uniqueId"), "device.uniqueId")
    attributes = position.get("attributes") if isinstance(position.get("attributes"), dict) else {}
    result = Bridged()
    fix_time, device_time = position.get("fixTime"), position.get("deviceTime") or position.get("fixTime")
    if position.get("valid") is False:
        # Traccar repeats the last known location on a report without a fix: a lost fix, not a position.
        result.events.append({"device": ref, "ts": device_time, "type": EventType.NO_GPS_FIX.value})
    else:
        result.fixes.append(
            _fix(
                ref,
                fix_time,
                position.get("latitude"),
                position.get("longitude"),
                accuracy=position.get("accuracy"),
                hdop=attributes.get("hdop"),
                knots=position.get("speed"),
                heading=position.get("course"),
                battery=attributes.get("batteryLevel"),
            )
        )
    _alarms(result, ref, device_time, attributes.get("alarm"), attributes.get("batteryLevel"))
    return result


def traccar_event(body) -> Bridged:
    """Map Traccar's event forwarding (event.forward.url): {"event": {...}, "position": {...}, "device": {...}}.

    Only alarms mean something here: banwatch finds silent devices and zone entries itself, so
    Traccar's online/offline, motion and geofence events are left out (and named in `ignored`).
    """
    event, device = _object(body, "event"), _object(body, "device")
    ref = _ref(device.get("uniqueId"), "device.uniqueId")
    result = Bridged()
    kind = event.get("type")
    if kind != "alarm":
        result.ignored.append(str(kind))
        return result
    attributes = event.get("attributes") if isinstance(event.get("attributes"), dict) else {}
    position = body.get("position") if isinstance(body.get("position"), dict) else {}
    position_attributes = position.get("attributes") if isinstance(position.get("attributes"), dict) else {}
    alarm = attributes.get("alarm") or position_attributes.get("alarm")
    if not alarm:
        raise BridgeError({"event.attributes.alarm": "an alarm event needs its alarm"})
    _alarms(result, ref, event.get("eventTime"), alarm, position_attributes.get("batteryLevel"))
    return result


def osmand(params) -> Bridged:
    """Map an OsmAnd request (query string or form body): id, lat, lon, timestamp, speed, bearing, hdop, batt…"""
    ref = _ref(params.get("id") or params.get("deviceid"), "id")
    lat, lon = params.get("lat"), params.get("lon")
    if params.get("location") and lat is None and lon is None:
        lat, _, lon = params["location"].partition(",")
    ts = _osmand_time(params.get("timestamp"))
    result = Bridged()
    if params.get("valid") in ("false", "0"):
        result.events.append({"device": ref, "ts": ts, "type": EventType.NO_GPS_FIX.value})
    else:
        result.fixes.append(
            _fix(
                ref,
                ts,
                _number(lat),
                _number(lon),
                accuracy=_number(params.get("accuracy")),
                hdop=_number(params.get("hdop")),
                knots=_number(params.get("speed")),
                heading=_number(params.get("bearing") or params.get("heading")),
                battery=_number(params.get("batt")),
            )
        )
    _alarms(result, ref, ts, params.get("alarm"), _number(params.get("batt")))
    return result


def _fix(ref: str, ts, lat, lon, *, accuracy, hdop, knots, heading, battery) -> dict:
    item = {"device": ref, "ts": ts, "lat": lat, "lon": lon, "accuracy_m": _accuracy(accuracy, hdop)}
    if knots is not None:
        item["speed_mps"] = knots / KNOTS_PER_MPS if _is_number(knots) else knots
    for name, value in (("heading", heading), ("battery_pct", battery)):
        if value is not None:
            item[name] = value
    return item


def _accuracy(accuracy, hdop):
    """Return the accuracy radius: Traccar's own when given (0 means none), else from HDOP, else None (refused)."""
    if _is_number(accuracy) and accuracy > 0:
        return accuracy
    if _is_number(hdop) and hdop > 0:
        return hdop * HDOP_TO_METRES
    return accuracy if accuracy not in (None, 0) else None


def _alarms(result: Bridged, ref: str, ts, alarms, battery) -> None:
    if not isinstance(alarms, str):
        return
    for alarm in filter(None, (a.strip() for a in alarms.split(","))):
        kind = ALARM_EVENTS.get(alarm)
        if kind is None:
            result.ignored.append(alarm)
            continue
        event = {"device": ref, "ts": ts, "type": kind.value}
        if kind == EventType.LOW_BATTERY and battery is not None:
            event["battery_pct"] = battery
        result.events.append(event)


def _object(body, key: str) -> dict:
    if not isinstance(body, dict):
        raise BridgeError({"non_field_errors": "the body must be a JSON object"})
    value = body.get(key)
    if not isinstance(value, dict):
        raise BridgeError({key: "required, an object"})
    return value


def _ref(value, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise BridgeError({name: "required, the device's unique id"})
    return str(value).strip()


def _osmand_time(value):
    """Return OsmAnd's timestamp as the feed reads it: Unix seconds or milliseconds, ISO 8601, or 'Y-m-d H:M:S' UTC."""
    if value is None or value == "":
        raise BridgeError({"timestamp": "required: the time of the fix (Unix seconds, or ISO 8601 with offset)"})
    number = _number(value)
    if _is_number(number):
        return number / 1000 if abs(number) >= 2**31 - 1 else number
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return value  # ISO 8601 or nonsense: the feed words the problem
    return parsed.replace(tzinfo=UTC).isoformat()


def _number(value):
    """Return a query value as a float when it reads as one; otherwise the text, for the feed to refuse."""
    if not isinstance(value, str):
        return value
    try:
        number = float(value)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
