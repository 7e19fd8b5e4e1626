from .catalogue import ZoneCatalogueVersion
from .devices import Device, DeviceAssignment, DeviceKind, DeviceStatus, GpsState, StrapState, Vendor, VendorApiKey
from .events import DeviceEvent, EventType
from .fixes import Fix, QuarantinedItem, QuarantineReason
from .incidents import (
    ACTIVE_STATES,
    BAN_WATCH_TYPES,
    DEVICE_TYPES,
    ZONE_TYPES,
    CloseOutcome,
    Incident,
    IncidentEvent,
    IncidentState,
    IncidentType,
    ZoneTrack,
)

__all__ = [
    "ACTIVE_STATES",
    "BAN_WATCH_TYPES",
    "CloseOutcome",
    "DEVICE_TYPES",
    "ZONE_TYPES",
    "Device",
    "DeviceAssignment",
    "DeviceEvent",
    "DeviceKind",
    "DeviceStatus",
    "EventType",
    "Fix",
    "GpsState",
    "Incident",
    "IncidentEvent",
    "IncidentState",
    "IncidentType",
    "QuarantineReason",
    "QuarantinedItem",
    "StrapState",
    "Vendor",
    "VendorApiKey",
    "ZoneCatalogueVersion",
    "ZoneTrack",
]
