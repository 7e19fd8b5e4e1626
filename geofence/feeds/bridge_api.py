"""Bridges from existing device protocols onto the feed: Traccar's JSON forwarding and the OsmAnd HTTP protocol.

One message per request. The mapping (bridges.py) renames and converts; the feed
services validate, authenticate the vendor's devices, store once and quarantine
exactly as for a native batch. Answers: 202 (200 for OsmAnd, whose clients expect
it) when nothing was wrong with the values, unknown devices included (kept in
quarantine, so a resend is pointless); 422 naming the sender's field when a value
was refused; 400 when the body is not the protocol's message at all.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser
from rest_framework.response import Response

from config import metrics
from config.parsers import StrictJSONParser
from geofence.models import QuarantineReason

from . import bridges, services
from .api import FeedView
from .serializers import FeedErrorSchema

# Rejections a resend cannot cure but the sender can: a refused value. Device problems are quarantined (202).
VALUE_REASONS = frozenset(
    {
        QuarantineReason.MALFORMED,
        QuarantineReason.OUT_OF_RANGE,
        QuarantineReason.NAN_OR_INFINITE,
        QuarantineReason.FUTURE_TIMESTAMP,
        QuarantineReason.UNKNOWN_TYPE,
    }
)


def store(vendor, bridged: bridges.Bridged, fix_fields: dict, event_fields: dict) -> tuple[dict, dict]:
    """Store the message's fix and events through the feed; return the answer and the refused fields."""
    fixes = services.store_fixes(vendor, bridged.fixes) if bridged.fixes else services.FeedResult()
    metrics.count_fixes(fixes)
    events = services.store_events(vendor, bridged.events) if bridged.events else services.FeedResult()
    rejected = [("fix", r, fix_fields) for r in fixes.rejected] + [("event", r, event_fields) for r in events.rejected]
    errors: dict[str, list[str]] = {}
    for _kind, rejection, names in rejected:
        if rejection.reason in VALUE_REASONS:
            name, _, message = rejection.detail.partition(": ")
            errors.setdefault(names.get(name, name), []).append(message or rejection.detail)
    answer = {
        "accepted": fixes.accepted + events.accepted,
        "duplicates": fixes.duplicates + events.duplicates,
        "rejected": [{"kind": kind, **r.as_json()} for kind, r, _ in rejected],
        "ignored": bridged.ignored,
    }
    if errors:
        answer["errors"] = errors
    return answer, errors


def read(mapping, data):
    try:
        return mapping(data)
    except bridges.BridgeError as exc:
        raise ValidationError({name: [message] for name, message in exc.errors.items()}) from None


class RejectedSchema(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["fix", "event"])
    index = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=QuarantineReason.values)
    detail = serializers.CharField()


class BridgeAnswerSchema(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Fixes and events stored by this message.")
    duplicates = serializers.IntegerField(help_text="Already stored: resending a message is safe.")
    rejected = RejectedSchema(many=True, help_text="Refused and kept in quarantine with the reason.")
    ignored = serializers.ListField(
        child=serializers.CharField(), help_text="Traccar event types and alarms that mean nothing for a ban."
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="With 422: the sender's field name -> what is wrong with its value.",
    )


class TraccarDeviceSchema(serializers.Serializer):
    uniqueId = serializers.CharField(help_text="The device identifier in Traccar: banwatch's device id.")  # noqa: N815
    name = serializers.CharField(required=False)


class TraccarPositionSchema(serializers.Serializer):
    fixTime = serializers.DateTimeField()  # noqa: N815
    deviceTime = serializers.DateTimeField(required=False)  # noqa: N815
    valid = serializers.BooleanField(required=False, help_text="false: no GPS fix (stored as a no_gps_fix event).")
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    speed = serializers.FloatField(required=False, min_value=0, help_text="Knots.")
    course = serializers.FloatField(required=False, min_value=0, max_value=360)
    accuracy = serializers.FloatField(required=False, min_value=0, help_text="Metres; 0: none (then HDOP x 5 m).")
    attributes = serializers.DictField(required=False, help_text="batteryLevel (%), hdop, alarm (comma-separated).")


class TraccarPositionDataSchema(serializers.Serializer):
    position = TraccarPositionSchema()
    device = TraccarDeviceSchema()


class TraccarEventSchema(serializers.Serializer):
    type = serializers.CharField(help_text="Only `alarm` is stored; other types are answered as ignored.")
    eventTime = serializers.DateTimeField()  # noqa: N815
    attributes = serializers.DictField(required=False, help_text="alarm: tampering, removing, powerCut, sos…")


class TraccarEventDataSchema(serializers.Serializer):
    event = TraccarEventSchema()
    device = TraccarDeviceSchema()
    position = TraccarPositionSchema(required=False)


_ERRORS = {
    401: OpenApiResponse(FeedErrorSchema, description="API key missing, invalid or revoked."),
    422: OpenApiResponse(BridgeAnswerSchema, description="A value was refused (kept in quarantine): see `errors`."),
}
_JSON_DESCRIPTION = (
    "Authenticate with the vendor key in a header Traccar sends (`forward.header` / `event.forward.header`: "
    "`Authorization: Api-Key <key>`). Same validation, idempotency and quarantine as the feed API; "
    "see docs/devices.md."
)


class TraccarPositionsView(FeedView):
    parser_classes = [StrictJSONParser]

    @extend_schema(
        operation_id="bridge_traccar_positions",
        summary="Traccar position forwarding (forward.type=json)",
        description=_JSON_DESCRIPTION,
        request=TraccarPositionDataSchema,
        responses={202: BridgeAnswerSchema, **_ERRORS},
        examples=[
            OpenApiExample(
                "A fix with a strap alarm",
                request_only=True,
                value={
                    "position": {
                        "deviceId": 12,
                        "fixTime": "2026-03-01T21:15:00.000+00:00",
                        "deviceTime": "2026-03-01T21:15:00.000+00:00",
                        "valid": True,
                        "latitude": 52.0907,
                        "longitude": 5.1214,
                        "speed": 2.3,
                        "course": 270.0,
                        "accuracy": 8.5,
                        "attributes": {"batteryLevel": 81, "alarm": "tampering"},
                    },
                    "device": {"id": 12, "uniqueId": "EM-100234", "name": "EM-100234"},
                },
            )
        ],
        tags=["bridges"],
    )
    def post(self, request):
        bridged = read(bridges.traccar_position, request.data)
        answer, errors = store(request.auth.vendor, bridged, bridges.TRACCAR_FIELDS, bridges.TRACCAR_ALARM_FIELDS)
        return Response(answer, status=422 if errors else status.HTTP_202_ACCEPTED)


class TraccarEventsView(FeedView):
    parser_classes = [StrictJSONParser]

    @extend_schema(
        operation_id="bridge_traccar_events",
        summary="Traccar event forwarding (event.forward.url)",
        description=_JSON_DESCRIPTION + " Alarms become feed events; other event types are ignored.",
        request=TraccarEventDataSchema,
        responses={202: BridgeAnswerSchema, **_ERRORS},
        tags=["bridges"],
    )
    def post(self, request):
        bridged = read(bridges.traccar_event, request.data)
        answer, errors = store(request.auth.vendor, bridged, {}, bridges.TRACCAR_EVENT_FIELDS)
        return Response(answer, status=422 if errors else status.HTTP_202_ACCEPTED)


_OSMAND_PARAMETERS = [
    OpenApiParameter("id", OpenApiTypes.STR, description="Device id (also `deviceid`)."),
    OpenApiParameter("lat", OpenApiTypes.DOUBLE),
    OpenApiParameter("lon", OpenApiTypes.DOUBLE),
    OpenApiParameter("timestamp", OpenApiTypes.STR, description="Unix seconds or ms, ISO 8601, or Y-m-d H:M:S UTC."),
    OpenApiParameter("speed", OpenApiTypes.DOUBLE, description="Knots."),
    OpenApiParameter("bearing", OpenApiTypes.DOUBLE),
    OpenApiParameter("accuracy", OpenApiTypes.DOUBLE, description="Metres."),
    OpenApiParameter("hdop", OpenApiTypes.DOUBLE, description="Used as accuracy (x 5 m) without `accuracy`."),
    OpenApiParameter("batt", OpenApiTypes.DOUBLE, description="Battery level in percent."),
    OpenApiParameter("valid", OpenApiTypes.STR, description="false or 0: no GPS fix."),
    OpenApiParameter("alarm", OpenApiTypes.STR, description="Traccar alarm names, comma-separated."),
]


class OsmAndView(FeedView):
    parser_classes = [FormParser]

    @extend_schema(
        operation_id="bridge_osmand_get",
        summary="OsmAnd HTTP protocol (query string)",
        description="One position per request, as Traccar's OsmAnd protocol. Vendor key in the Authorization header.",
        parameters=_OSMAND_PARAMETERS,
        responses={200: BridgeAnswerSchema, **_ERRORS},
        tags=["bridges"],
    )
    def get(self, request):
        return self._receive(request, request.query_params)

    @extend_schema(
        operation_id="bridge_osmand_post",
        summary="OsmAnd HTTP protocol (query string or form body)",
        description="As GET; the parameters may also come as an application/x-www-form-urlencoded body.",
        parameters=_OSMAND_PARAMETERS,
        request={"application/x-www-form-urlencoded": {"type": "object", "additionalProperties": {"type": "string"}}},
        responses={200: BridgeAnswerSchema, **_ERRORS},
        tags=["bridges"],
    )
    def post(self, request):
        return self._receive(request, request.query_params if request.query_params else request.data)

    def _receive(self, request, params):
        bridged = read(bridges.osmand, {key: params.get(key) for key in params})
        answer, errors = store(request.auth.vendor, bridged, bridges.OSMAND_FIELDS, bridges.OSMAND_FIELDS)
        return Response(answer, status=422 if errors else status.HTTP_200_OK)
