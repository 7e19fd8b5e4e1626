from .devices import Device, DeviceAssignment, DeviceKind, DeviceStatus, GpsState, StrapState, Vendor, VendorApiKey
from .events import DeviceEvent, EventType
from .fixes import Fix, QuarantinedItem, QuarantineReason
from .incidents import (
    ACTIVE_STATES,
    Incident,
    IncidentEvent,
    IncidentState,
    IncidentType,
    ZoneTrack,
)

__all__ = [
    "ACTIVE_STATES",
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
    "ZoneTrack",
]
