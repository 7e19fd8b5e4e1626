"""The monitoring device's last contact, as a lookup shows it."""

from datetime import datetime

from django.apps import apps
from django.db.models import Max
from django.utils import timezone


def device_last_contact(person_id: int, at: datetime | None = None) -> datetime | None:
    """Return when the ankle monitor the person wears now last reported, or None when unknown.

    With more than one device assigned (a replacement strap, say) the latest
    contact of any of them counts. No device, or one that never reported,
    gives None: "unknown", never a made-up time.
    """
    # Through the app registry: the registry app must not import geofence when it loads (geofence imports us).
    status_model = apps.get_model("geofence", "DeviceStatus")
    assignment_model = apps.get_model("geofence", "DeviceAssignment")
    devices = assignment_model.objects.at(at or timezone.now()).filter(person_id=person_id).values("device_id")
    found = status_model.objects.filter(device_id__in=devices).aggregate(last=Max("last_contact_at"))
    return found["last"]
