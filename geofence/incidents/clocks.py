"""Device clocks: a device whose fixes keep arriving far ahead of, or behind, the server opens an incident."""

from datetime import datetime, timedelta

from django.conf import settings

from geofence.db import update_from_values
from geofence.models import DeviceAssignment, DeviceStatus, Incident, IncidentType

from .services import Action, change_state, open_incident


def record_offsets(rows: list[tuple], status: dict, now: datetime) -> None:
    """Record how far each device's newest fix of the batch lies from the server's clock; act on a lasting skew.

    `rows` are (device pk, ts, ...) of the batch. A single odd fix proves
    nothing (a buffered batch after a dead spot is old, legitimately); only
    DEVICE_CLOCK_BATCHES batches in a row beyond the tolerance open an
    incident, and the first batch back within it closes it.
    """
    newest: dict[int, datetime] = {}
    for row in rows:
        device_id, ts = row[0], row[1]
        if device_id not in newest or ts > newest[device_id]:
            newest[device_id] = ts
    latest = now + timedelta(seconds=settings.DEVICE_CLOCK_AHEAD_SECONDS)
    earliest = now - timedelta(seconds=settings.DEVICE_CLOCK_BEHIND_SECONDS)
    off = {d: (ts - now).total_seconds() for d, ts in newest.items() if ts > latest or ts < earliest}
    if off:
        _count_off(off, status, now)
    # `status` holds the rows as locked for this batch: only devices counted off before need a reset.
    recovered = [d for d in newest if d not in off and d in status and status[d].clock_off_batches]
    if recovered:
        DeviceStatus.objects.filter(device_id__in=recovered).update(clock_off_batches=0, clock_offset_s=0.0)
        for incident in Incident.objects.active().filter(type=IncidentType.CLOCK_SKEW, device_id__in=recovered):
            change_state(incident, Action.CLOSE, at=now, reason="clock_ok")


def _count_off(off: dict[int, float], status: dict, now: datetime) -> None:
    rows = [(d, offset, (status[d].clock_off_batches if d in status else 0) + 1) for d, offset in sorted(off.items())]
    update_from_values(DeviceStatus._meta.db_table, "device_id", ("clock_offset_s", "clock_off_batches"), rows)
    lasting = [d for d, _offset, batches in rows if batches >= settings.DEVICE_CLOCK_BATCHES]
    have = set(
        Incident.objects.active()
        .filter(type=IncidentType.CLOCK_SKEW, device_id__in=lasting)
        .values_list("device_id", flat=True)
    )
    for device_id in lasting:
        if device_id not in have:
            open_incident(
                type=IncidentType.CLOCK_SKEW,
                at=now,
                device_id=device_id,
                details={"offset_s": round(off[device_id])},
                **_wearer(device_id, now),
            )


def _wearer(device_id: int, now: datetime) -> dict:
    assignment = DeviceAssignment.objects.at(now).filter(device_id=device_id).first()
    if assignment is None:
        return {}
    return {"person_id": assignment.person_id, "protected_person_id": assignment.protected_person_id}
