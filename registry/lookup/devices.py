"""The monitoring device's last contact, as a lookup shows it."""

from datetime import datetime


def device_last_contact(person_id: int) -> datetime | None:
    """Return when the person's ankle monitor last reported, or None when unknown.

    The device models live in the geofence app; until they are wired in here
    the answer is None ("unknown"), never a made-up time.
    """
    return None
