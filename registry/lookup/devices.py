"""The monitoring device's last contact, as a lookup shows it."""

from datetime import datetime

from django.apps import apps
from django.db.models import Max
from django.utils import timezone


def device_last_contact(person_id: int, at: datetime | None = None) -> datetime | None:
    """Return when the ankle monitor the person wears now last reported, or None when unknown."""
    return devices_last_contact([person_id], at).get(person_id)


def devices_last_contact(person_ids: list[int], at: datetime | None = None) -> dict[int, datetime | None]:
    """Return, per person, when an ankle monitor they wear now last reported (one query for all).

    With more than one device assigned (a replacement strap, say) the latest
    contact of any of them counts. No device, or one that never reported,
    gives None: "unknown", never a made-up time.
    """
    if not person_ids:
        return {}
    # Through the app registry: the registry app must not import geofence when it loads (geofence imports us).
    assignment_model = apps.get_model("geofence", "DeviceAssignment")
    rows = (
        assignment_model.objects.at(at or timezone.now())
        .filter(person_id__in=person_ids)
        .order_by()
        .values("person_id")
        .annotate(last=Max("device__status__last_contact_at"))
    )
    return dict.fromkeys(person_ids) | {row["person_id"]: row["last"] for row in rows}
