"""Build invented vendors, subjects, bans and devices for tests, seeds and benchmarks."""

import itertools
from datetime import UTC, date, datetime

from pyproj import Geod

from registry.models import (
    Authority,
    Ban,
    BanKind,
    Decision,
    LegalBasis,
    Person,
    PoliceRegion,
    ProtectedPerson,
    RegionMembership,
    ZoneShape,
)

from .db import NEW_FIX_COLUMNS, insert_ignore_returning
from .feeds.services import FIX_COLUMNS, StoredFix
from .models import Device, DeviceAssignment, DeviceKind, Fix, Vendor, VendorApiKey
from .monitor.models import BanRegion

_GEOD = Geod(ellps="WGS84")
_counter = itertools.count(1)
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
HOME = (52.0907, 5.1214)  # an invented address in the middle of the country
REGION = PoliceRegion.MIDDEN_NEDERLAND  # the monitoring region of HOME: made bans and operators get it


def offset(lat: float, lon: float, distance_m: float, bearing_deg: float = 0.0) -> tuple[float, float]:
    """Return the point `distance_m` from (lat, lon) along the bearing, on WGS84."""
    lon2, lat2, _ = _GEOD.fwd(lon, lat, bearing_deg, distance_m)
    return lat2, lon2


def make_vendor(slug: str | None = None) -> tuple[Vendor, str]:
    """Return a vendor and a fresh API key for it."""
    slug = slug or f"vendor-{next(_counter)}"
    vendor = Vendor.objects.create(name=slug.title(), slug=slug)
    _row, key = VendorApiKey.issue(vendor, "test")
    return vendor, key


def make_person(n: int | None = None) -> Person:
    n = n or next(_counter)
    return Person.objects.create(given_names="Testpersoon", surname=f"Verzonnen{n}", date_of_birth=date(1985, 5, 17))


def make_protected(home: tuple[float, float] = HOME) -> ProtectedPerson:
    n = next(_counter)
    return ProtectedPerson.objects.create(
        given_names="Beschermd", surname=f"Fictief{n}", home_lat=home[0], home_lon=home[1]
    )


def make_ban(
    person: Person | None = None,
    *,
    kind: str = BanKind.AREA,
    centre: tuple[float, float] | None = HOME,
    radius_m: float | None = None,
    risk: str = "high",
    legal_basis: str = LegalBasis.GEDRAGSAANWIJZING,
    valid_from: datetime = LONG_AGO,
    valid_until: datetime | None = None,
    protected: list[ProtectedPerson] = (),
    time_windows: list | None = None,
    region: str | None = REGION,
) -> Ban:
    """Return an active ban with a circle zone (5 km unless `radius_m`) around `centre`, in `region`."""
    person = person or make_person()
    decision = Decision.objects.create(
        person=person,
        authority=Authority.OM,
        legal_basis=legal_basis,
        reference=f"TEST-{next(_counter):06d}",
        decision_date=date(2026, 1, 1),
        electronic_monitoring=True,
        sash_risk=risk,
    )
    ban = Ban.objects.create(
        decision=decision,
        person=person,
        kind=kind,
        valid_from=valid_from,
        valid_until=valid_until,
        zone_shape=ZoneShape.CIRCLE if centre else "",
        centre_lat=centre[0] if centre else None,
        centre_lon=centre[1] if centre else None,
        radius_m=radius_m,
        time_windows=time_windows or [],
        zone_description="5 km rond woning slachtoffer",
    )
    ban.protected_persons.set(protected)
    if region:
        BanRegion.objects.create(ban=ban, region=region)
    return ban


def give_region(user, *regions: str) -> None:
    """Make the user work for the regions (an operator sees nothing without one)."""
    for region in regions or (REGION,):
        RegionMembership.objects.get_or_create(user=user, region=region)


def make_device(
    vendor: Vendor,
    device_id: str | None = None,
    *,
    person: Person | None = None,
    protected_person: ProtectedPerson | None = None,
    since: datetime = LONG_AGO,
) -> Device:
    """Return a device of the vendor, assigned to the person or protected person from `since`."""
    kind = DeviceKind.VICTIM_UNIT if protected_person is not None else DeviceKind.ANKLE_MONITOR
    device = Device.objects.create(vendor=vendor, device_id=device_id or f"EM-{next(_counter):06d}", kind=kind)
    if person is not None or protected_person is not None:
        DeviceAssignment.objects.create(
            device=device, person=person, protected_person=protected_person, valid_from=since
        )
    return device


def fix(device: Device | str, ts: datetime, lat: float, lon: float, accuracy_m: float = 5.0, **extra) -> dict:
    """Return one feed item for the positions API."""
    ref = device if isinstance(device, str) else device.device_id
    return {"device": ref, "ts": ts.isoformat(), "lat": lat, "lon": lon, "accuracy_m": accuracy_m, **extra}


def insert_fixes(rows: list[tuple]) -> list[StoredFix]:
    """Store rows of FIX_COLUMNS, skipping (device, ts) already stored, without touching the device board.

    Return the new ones, as the feed stores them.
    """
    key = ("device_id", "ts")
    found = insert_ignore_returning(Fix._meta.db_table, FIX_COLUMNS, rows, key, NEW_FIX_COLUMNS, ("ts",))
    return [StoredFix._make(row) for row in found]
