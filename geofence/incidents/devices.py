"""Device-health incidents: events (tamper, battery, GPS, panic), silent devices and mass outages."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from geofence.db import lock_devices
from geofence.models import (
    DeviceAssignment,
    DeviceEvent,
    DeviceKind,
    DeviceStatus,
    EventType,
    GpsState,
    Incident,
    IncidentType,
    StrapState,
)
from registry.models import Ban, Person, RiskLevel

from .services import Action, add_timeline_entry, change_state, open_incident, person_risk


def close_recovered(device_ids, *, at: datetime, gps: bool) -> None:
    """Close the silent (and, for a fix, no-GPS) incidents of devices that report again."""
    types = [IncidentType.DEVICE_SILENT] + ([IncidentType.NO_GPS_FIX] if gps else [])
    for incident in Incident.objects.active().filter(device_id__in=device_ids, type__in=types):
        change_state(incident, Action.CLOSE, at=at, reason="device_reporting")
    DeviceStatus.objects.filter(device_id__in=device_ids, silent_since__isnull=False).update(silent_since=None)
    if gps:
        DeviceStatus.objects.filter(device_id__in=device_ids, gps_lost_at__isnull=False).update(
            gps_lost_at=None, gps_state=GpsState.OK
        )


# --- device events ------------------------------------------------------------------------------------------


def process_due_events(now: datetime | None = None, limit: int = 500) -> int:
    """Apply stored events no task applied within DEVICE_EVENT_SWEEP_AFTER_SECONDS; return how many.

    Their task was lost (a Celery broker restarted without its messages, or down when the events came) or
    failed for good. Oldest first, `limit` per run; run by Celery beat.
    """
    now = now or timezone.now()
    since = now - timedelta(seconds=settings.DEVICE_EVENT_SWEEP_AFTER_SECONDS)
    due = DeviceEvent.objects.filter(processed_at=None, received_at__lt=since).order_by("received_at")
    event_ids = list(due.values_list("id", flat=True)[:limit])
    return process_events(event_ids, now=now) if event_ids else 0


def process_events(event_ids: list[int], now: datetime | None = None) -> int:
    """Apply the effects of stored device events once each; return how many were applied."""
    now = now or timezone.now()
    with transaction.atomic():
        events = list(DeviceEvent.objects.filter(id__in=event_ids, processed_at=None).order_by("ts", "id"))
        lock_devices({e.device_id for e in events})
        # Claim under the lock: a concurrent or repeated run finds them processed.
        claimed = DeviceEvent.objects.filter(id__in=[e.id for e in events], processed_at=None).update(processed_at=now)
        if claimed != len(events):
            events = list(DeviceEvent.objects.filter(id__in=[e.id for e in events], processed_at=now))
        for event in events:
            _HANDLERS.get(event.type, _ignore)(event)
        close_recovered({e.device_id for e in events}, at=max((e.ts for e in events), default=now), gps=False)
    return len(events)


def _wearer(event: DeviceEvent) -> dict:
    assignment = DeviceAssignment.objects.at(event.ts).filter(device_id=event.device_id).first()
    if assignment is None:
        return {}
    if assignment.protected_person_id is None:
        return {"person_id": assignment.person_id}
    # A victim's unit: its incidents rank by the ban that protects them, and name the person it binds.
    ban = protecting_ban(assignment.protected_person_id, event.ts)
    fields = {"protected_person_id": assignment.protected_person_id}
    return fields | ({"ban_id": ban.pk, "person_id": ban.person_id} if ban else {})


def protecting_ban(protected_person_id: int, at: datetime) -> Ban | None:
    """Return the ban in force that protects this person with the highest SASH risk (the newest on a tie)."""
    bans = Ban.objects.in_force(at).filter(protected_persons=protected_person_id).select_related("decision")
    return max(bans, key=lambda b: (RiskLevel.rank(b.decision.sash_risk), b.valid_from), default=None)


def _open_once(event: DeviceEvent, type: str, **fields) -> Incident:
    existing = Incident.objects.active().filter(type=type, device_id=event.device_id).first()
    if existing is not None:
        add_timeline_entry(existing, "repeated", at=event.ts, event=event.type)
        return existing
    return open_incident(type=type, at=event.ts, device_id=event.device_id, **{**_wearer(event), **fields})


def _strap_tamper(event: DeviceEvent) -> None:
    DeviceStatus.objects.filter(device_id=event.device_id).update(strap_state=StrapState.TAMPERED)
    _open_once(event, IncidentType.STRAP_TAMPER)


def _strap_restored(event: DeviceEvent) -> None:
    DeviceStatus.objects.filter(device_id=event.device_id).update(strap_state=StrapState.OK)
    # A restored strap does not close the incident: an operator judges what happened meanwhile.
    for incident in Incident.objects.active().filter(type=IncidentType.STRAP_TAMPER, device_id=event.device_id):
        add_timeline_entry(incident, "strap_restored", at=event.ts)


def _low_battery(event: DeviceEvent) -> None:
    pct = event.payload.get("battery_pct")
    if pct is not None:
        DeviceStatus.objects.filter(device_id=event.device_id).update(battery_pct=pct, charging=False)
    if pct is None or pct <= settings.GEOFENCE_BATTERY_CRITICAL_PCT:
        _open_once(event, IncidentType.BATTERY_CRITICAL, details={"battery_pct": pct})


def _charging(event: DeviceEvent) -> None:
    DeviceStatus.objects.filter(device_id=event.device_id).update(charging=True)
    for incident in Incident.objects.active().filter(type=IncidentType.BATTERY_CRITICAL, device_id=event.device_id):
        change_state(incident, Action.CLOSE, at=event.ts, reason="charging")


def _no_gps_fix(event: DeviceEvent) -> None:
    # The incident follows from check_silent_devices once the fix stays lost for the configured minutes.
    DeviceStatus.objects.filter(device_id=event.device_id, gps_lost_at__isnull=True).update(gps_lost_at=event.ts)
    DeviceStatus.objects.filter(device_id=event.device_id).update(gps_state=GpsState.NO_FIX)


def _power(event: DeviceEvent) -> None:
    DeviceStatus.objects.filter(device_id=event.device_id).update(powered=event.type == EventType.POWER_ON)


def _panic(event: DeviceEvent) -> None:
    _open_once(event, IncidentType.PANIC)


def _ignore(event: DeviceEvent) -> None:
    """Heartbeats only prove contact, which the feed already recorded."""


_HANDLERS = {
    EventType.STRAP_TAMPER: _strap_tamper,
    EventType.STRAP_RESTORED: _strap_restored,
    EventType.LOW_BATTERY: _low_battery,
    EventType.CHARGING: _charging,
    EventType.NO_GPS_FIX: _no_gps_fix,
    EventType.POWER_ON: _power,
    EventType.POWER_OFF: _power,
    EventType.PANIC_BUTTON: _panic,
}


# --- silent devices and mass outages ------------------------------------------------------------------------


def check_silent_devices(now: datetime | None = None) -> dict:
    """Open device-silent, no-GPS and mass-outage incidents due at `now`; close outages that ended."""
    now = now or timezone.now()
    with transaction.atomic():
        worn = _worn_devices(now)
        risks = _risks({w["person_id"] for w in worn.values()}, now)
        silent = [w for w in worn.values() if _is_silent(w, risks, now)]
        newly = [w for w in silent if w["silent_since"] is None]
        lock_devices([w["device_id"] for w in newly])
        opened = _handle_newly_silent(newly, worn, risks, now)
        ended = _end_outages(worn, risks, now)
        gps = _check_gps(worn, now)
    return {"silent": len(silent), "opened": opened, "outages_ended": ended, "no_gps": gps}


def _worn_devices(now: datetime) -> dict[int, dict]:
    """Return the status of each active device worn now, by device pk.

    Subjects' ankle monitors, and victims' units while a ban in force
    protects them (a distance ban is blind without their position): a victim
    unit carries the protecting ban and its risk.
    """
    rows = (
        DeviceAssignment.objects.at(now)
        .filter(device__active=True)
        .filter(
            Q(person__isnull=False, device__kind=DeviceKind.ANKLE_MONITOR)
            | Q(protected_person__isnull=False, device__kind=DeviceKind.VICTIM_UNIT)
        )
    )
    found = {}
    for values in rows.values(
        "device_id",
        "person_id",
        "protected_person_id",
        "valid_from",
        "device__vendor_id",
        "device__status__last_contact_at",
        "device__status__silent_since",
        "device__status__gps_lost_at",
    ):
        found[values["device_id"]] = {
            "device_id": values["device_id"],
            "person_id": values["person_id"],
            "vendor_id": values["device__vendor_id"],
            # Never heard from: count from the moment it was assigned.
            "last_contact_at": values["device__status__last_contact_at"] or values["valid_from"],
            "silent_since": values["device__status__silent_since"],
            "gps_lost_at": values["device__status__gps_lost_at"],
            "protected_person_id": values["protected_person_id"],
        }
    return _with_protecting_bans(found, now)


def _with_protecting_bans(found: dict[int, dict], now: datetime) -> dict[int, dict]:
    """Give each victim unit the ban that protects its wearer; drop those no ban in force protects."""
    for device_id, worn in list(found.items()):
        if worn["protected_person_id"] is None:
            continue
        ban = protecting_ban(worn["protected_person_id"], now)
        if ban is None:
            del found[device_id]
            continue
        worn |= {"person_id": ban.person_id, "ban_id": ban.pk, "risk": ban.decision.sash_risk}
    return found


def _risks(person_ids: set[int], now: datetime) -> dict[int, str]:
    found: dict[int, str] = {}
    rows = Ban.objects.in_force(now).filter(person_id__in=person_ids).values_list("person_id", "decision__sash_risk")
    for person_id, risk in rows:
        if RiskLevel.rank(risk) > RiskLevel.rank(found.get(person_id)):
            found[person_id] = risk
    return found


def silent_after(risk: str) -> timedelta:
    minutes = settings.GEOFENCE_SILENT_MINUTES
    return timedelta(minutes=minutes.get(risk) or minutes[""])


def _risk(worn: dict, risks: dict) -> str:
    """Return the SASH risk that sets the device's urgency: the protecting ban's for a victim unit."""
    return worn.get("risk") or risks.get(worn["person_id"], "")


def _is_silent(worn: dict, risks: dict, now: datetime) -> bool:
    return worn["last_contact_at"] + silent_after(_risk(worn, risks)) <= now


def _handle_newly_silent(newly: list[dict], worn: dict, risks: dict, now: datetime) -> int:
    opened = 0
    by_vendor = defaultdict(list)
    for w in newly:
        by_vendor[w["vendor_id"]].append(w)
    for vendor_id, devices in by_vendor.items():
        outage = Incident.objects.active().filter(type=IncidentType.MASS_OUTAGE, vendor_id=vendor_id).first()
        if outage is None and _is_outage(vendor_id, devices, worn, risks, now):
            outage = _open_outage(vendor_id, devices, worn, risks, now)
            opened += 1
        if outage is not None:
            _join_outage(outage, devices, risks, now)
            continue
        for w in devices:
            _open_silent(w, risks, now)
            opened += 1
    return opened


def _recent(devices: list[dict], risks: dict, now: datetime) -> list[dict]:
    """Return the devices that went silent within the outage window."""
    window = timedelta(minutes=settings.GEOFENCE_MASS_OUTAGE_WINDOW_MINUTES)
    return [w for w in devices if w["last_contact_at"] + silent_after(_risk(w, risks)) >= now - window]


def _is_outage(vendor_id: int, devices: list[dict], worn: dict, risks: dict, now: datetime) -> bool:
    window = timedelta(minutes=settings.GEOFENCE_MASS_OUTAGE_WINDOW_MINUTES)
    recent = {w["device_id"] for w in _recent(devices, risks, now)}
    # Devices already reported silent individually within the window belong to the outage too.
    recent |= set(_individually_silent(vendor_id, now - window))
    active = sum(1 for w in worn.values() if w["vendor_id"] == vendor_id)
    return len(recent) >= settings.GEOFENCE_MASS_OUTAGE_MIN_DEVICES and (
        len(recent) >= settings.GEOFENCE_MASS_OUTAGE_MIN_SHARE * active
    )


def _individually_silent(vendor_id: int, since: datetime) -> list[int]:
    return list(
        Incident.objects.active()
        .filter(type=IncidentType.DEVICE_SILENT, device__vendor_id=vendor_id, opened_at__gte=since)
        .values_list("device_id", flat=True)
    )


def _open_outage(vendor_id: int, devices: list[dict], worn: dict, risks: dict, now: datetime) -> Incident:
    window = timedelta(minutes=settings.GEOFENCE_MASS_OUTAGE_WINDOW_MINUTES)
    active = sum(1 for w in worn.values() if w["vendor_id"] == vendor_id)
    outage = open_incident(
        type=IncidentType.MASS_OUTAGE, at=now, vendor_id=vendor_id, details={"active_devices": active, "affected": []}
    )
    merged = Incident.objects.active().filter(
        type=IncidentType.DEVICE_SILENT, device__vendor_id=vendor_id, opened_at__gte=now - window
    )
    early = []
    for incident in merged:
        change_state(incident, Action.CLOSE, at=now, reason="merged_into_outage", note=f"#{outage.pk}")
        if incident.device_id in worn:
            early.append(worn[incident.device_id])
    _join_outage(outage, early, risks, now)
    return outage


def _join_outage(outage: Incident, devices: list[dict], risks: dict, now: datetime) -> None:
    """List the devices' persons on the outage, highest risk first, and mark the devices silent."""
    if not devices:
        return
    names = dict(
        (p.pk, p.full_name)
        for p in Person.objects.filter(pk__in={w["person_id"] for w in devices}).only(
            "given_names", "tussenvoegsel", "surname"
        )
    )
    affected = {a["device_pk"]: a for a in outage.details.get("affected", [])}
    for w in devices:
        affected[w["device_id"]] = {
            "device_pk": w["device_id"],
            "person_id": w["person_id"],
            "name": names.get(w["person_id"], ""),
            "risk": _risk(w, risks),
            "last_contact_at": w["last_contact_at"].isoformat(),
        }
    ordered = sorted(affected.values(), key=lambda a: (-RiskLevel.rank(a["risk"]), a["name"]))
    outage.details = {**outage.details, "affected": ordered, "count": len(ordered)}
    Incident.objects.filter(pk=outage.pk).update(details=outage.details)
    DeviceStatus.objects.filter(device_id__in=[w["device_id"] for w in devices], silent_since=None).update(
        silent_since=now
    )


def _open_silent(w: dict, risks: dict, now: datetime) -> Incident:
    silent_since = w["last_contact_at"]
    DeviceStatus.objects.filter(device_id=w["device_id"]).update(silent_since=silent_since)
    return open_incident(
        type=IncidentType.DEVICE_SILENT,
        at=now,
        device_id=w["device_id"],
        details={"last_contact_at": silent_since.isoformat(), "risk": _risk(w, risks)},
        **_owner(w),
    )


def _owner(w: dict) -> dict:
    """Return the incident fields naming whose device it is (and, for a victim unit, the protecting ban)."""
    fields = {"person_id": w["person_id"]}
    if w.get("protected_person_id") is not None:
        fields |= {"protected_person_id": w["protected_person_id"], "ban_id": w["ban_id"]}
    return fields


def _end_outages(worn: dict, risks: dict, now: datetime) -> int:
    """Close outages once enough devices report again; devices still silent get their own incident."""
    ended = 0
    for outage in Incident.objects.active().filter(type=IncidentType.MASS_OUTAGE):
        listed = [a["device_pk"] for a in outage.details.get("affected", [])]
        still = set(
            DeviceStatus.objects.filter(device_id__in=listed, silent_since__isnull=False).values_list(
                "device_id", flat=True
            )
        )
        active = max(1, sum(1 for w in worn.values() if w["vendor_id"] == outage.vendor_id))
        if len(still) >= settings.GEOFENCE_MASS_OUTAGE_MIN_DEVICES and len(still) >= (
            settings.GEOFENCE_MASS_OUTAGE_MIN_SHARE * active
        ):
            continue
        change_state(outage, Action.CLOSE, at=now, reason="devices_reporting", note=f"{len(still)} nog stil")
        ended += 1
        for device_id in sorted(still):
            if device_id in worn:
                _open_silent(worn[device_id], risks, now)
    return ended


def _check_gps(worn: dict, now: datetime) -> int:
    limit = now - timedelta(minutes=settings.GEOFENCE_NO_GPS_FIX_MINUTES)
    due = [w for w in worn.values() if w["gps_lost_at"] is not None and w["gps_lost_at"] <= limit]
    have = set(
        Incident.objects.active()
        .filter(type=IncidentType.NO_GPS_FIX, device_id__in=[w["device_id"] for w in due])
        .values_list("device_id", flat=True)
    )
    opened = 0
    for w in due:
        if w["device_id"] not in have:
            open_incident(
                type=IncidentType.NO_GPS_FIX,
                at=now,
                device_id=w["device_id"],
                details={"gps_lost_at": w["gps_lost_at"].isoformat()},
                **_owner(w),
            )
            opened += 1
    return opened


__all__ = ["check_silent_devices", "close_recovered", "person_risk", "process_events", "silent_after"]
