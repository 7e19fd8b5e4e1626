"""The lookup shows when the ankle monitor the person wears now last reported."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from geofence.models import DeviceAssignment, DeviceStatus
from geofence.testing import make_device, make_vendor
from registry.lookup.devices import device_last_contact
from registry.models import BanKind, LegalBasis
from tests.lookup.conftest import NOW

URL = "/api/v1/lookup"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def monitored(registry):
    person = registry.person("Dirkje", "Vlietstra")
    decision = registry.decision(person, LegalBasis.GEDRAGSAANWIJZING, electronic_monitoring=True)
    registry.ban(person, BanKind.AREA, decision)
    return person


def reported(device, at) -> None:
    DeviceStatus.objects.filter(device=device).update(last_contact_at=at)


def test_person_without_a_device_has_no_last_contact(monitored):
    assert device_last_contact(monitored.pk, at=NOW) is None


def test_worn_device_gives_its_last_contact(monitored):
    device = make_device(make_vendor()[0], person=monitored, since=NOW - timedelta(days=30))
    reported(device, NOW - timedelta(minutes=3))

    assert device_last_contact(monitored.pk, at=NOW) == NOW - timedelta(minutes=3)


def test_device_never_heard_from_gives_none(monitored):
    make_device(make_vendor()[0], person=monitored, since=NOW - timedelta(days=30))

    assert device_last_contact(monitored.pk, at=NOW) is None


def test_device_no_longer_assigned_is_not_counted(monitored):
    device = make_device(make_vendor()[0], person=monitored, since=NOW - timedelta(days=30))
    reported(device, NOW - timedelta(days=2))
    DeviceAssignment.objects.filter(device=device).update(valid_until=NOW - timedelta(days=1))

    assert device_last_contact(monitored.pk, at=NOW) is None


def test_latest_of_two_worn_devices_counts(monitored):
    vendor = make_vendor()[0]
    old, new = (make_device(vendor, person=monitored, since=NOW - timedelta(days=d)) for d in (30, 1))
    reported(old, NOW - timedelta(hours=5))
    reported(new, NOW - timedelta(seconds=40))

    assert device_last_contact(monitored.pk, at=NOW) == NOW - timedelta(seconds=40)


def test_another_persons_device_is_not_shown(monitored, registry):
    someone_else = registry.person("Gerrit", "Zandbergen")
    reported(make_device(make_vendor()[0], person=someone_else), NOW - timedelta(minutes=1))

    assert device_last_contact(monitored.pk, at=NOW) is None


def test_lookup_answer_carries_the_last_contact_in_amsterdam_time(client_for, monitored):
    device = make_device(make_vendor()[0], person=monitored, since=NOW - timedelta(days=30))
    reported(device, NOW - timedelta(minutes=3))

    with time_machine.travel(NOW):
        ban = client_for("bob").get(URL, {"q": "Vlietstra"}).json()["results"][0]["bans"][0]

    assert ban["device_last_contact"] == (NOW - timedelta(minutes=3)).astimezone(AMSTERDAM).isoformat()
