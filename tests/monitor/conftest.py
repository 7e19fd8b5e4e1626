"""Builders for monitor tests: an area ban around an invented victim's home, a device, fixes, incidents."""

import datetime as dt
import itertools

import pytest
from django.test import Client
from django.utils import timezone

from geofence.models import Device, DeviceAssignment, Fix, Incident, IncidentType, Vendor
from geofence.monitor.models import BanRegion
from geofence.testing import REGION
from registry.models import Authority, Ban, BanKind, Decision, LegalBasis, Person, ProtectedPerson, ZoneShape

# Utrecht Dom tower area, and a point about 1.1 km north-west of it.
HOME = (52.0907, 5.1214)
INSIDE = (52.1000, 5.1100)
_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _in_process(eager_celery):
    """Run alert delivery in-process (the shared eager_celery fixture)."""


@pytest.fixture
def make_ban(db):
    def build(
        risk: str = "high", basis: str = LegalBasis.GEDRAGSAANWIJZING, surname: str = "Verbeek", region=REGION
    ) -> Ban:
        n = next(_serial)
        person = Person.objects.create(given_names="Joost", tussenvoegsel="van", surname=f"{surname}{n}")
        victim = ProtectedPerson.objects.create(
            given_names="Anouk", surname=f"Dekkers{n}", home_lat=HOME[0], home_lon=HOME[1], city="Utrecht"
        )
        decision = Decision.objects.create(
            person=person,
            authority=Authority.OM,
            legal_basis=basis,
            reference=f"16/{n:06d}-25",
            decision_date=dt.date(2025, 1, 6),
            electronic_monitoring=True,
            sash_risk=risk,
        )
        ban = Ban.objects.create(
            decision=decision,
            person=person,
            kind=BanKind.AREA,
            valid_from=timezone.now() - dt.timedelta(days=30),
            zone_shape=ZoneShape.CIRCLE,
            centre_lat=HOME[0],
            centre_lon=HOME[1],
            radius_m=5000,
            zone_description="5 km rond woning",
        )
        ban.protected_persons.add(victim)
        if region:
            BanRegion.objects.create(ban=ban, region=region)  # carol's region unless told otherwise
        return ban

    return build


@pytest.fixture
def make_incident(make_ban):
    def build(ban: Ban | None = None, **fields) -> Incident:
        ban = ban or make_ban()
        vendor, _ = Vendor.objects.get_or_create(slug="trackwell", defaults={"name": "Trackwell BV"})
        device = Device.objects.create(vendor=vendor, device_id=f"EB-{next(_serial):05d}")
        DeviceAssignment.objects.create(device=device, person=ban.person, valid_from=ban.valid_from)
        now = timezone.now()
        fix = Fix.objects.create(device=device, ts=now, lat=INSIDE[0], lon=INSIDE[1], accuracy_m=15, received_at=now)
        values = {
            "type": IncidentType.ZONE_VIOLATION,
            "ban": ban,
            "person": ban.person,
            "protected_person": ban.protected_persons.first(),
            "device": device,
            "vendor": vendor,
            "definite": True,
            "opened_at": now,
            "last_fix": fix,
            "priority": 1,
            "closest_distance_m": 1200.0,
            "eta_min": 4.0,
        }
        return Incident.objects.create(**(values | fields))

    return build


@pytest.fixture
def browser_client(users):
    """Return a function giving a Django test Client logged in as the named user (None: anonymous)."""

    def build(name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(users[name])
        return client

    return build
