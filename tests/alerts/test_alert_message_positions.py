"""Every alert says where to go: the subject's last known position with its age, the victim unit's for panic."""

import csv
from datetime import timedelta

import pytest
from django.utils import timezone

from geofence.alerts.message import build_alert_message
from geofence.alerts.schema import message_errors
from geofence.models import DeviceStatus, Fix, Incident, IncidentType
from geofence.places.nearest import PLACES_CSV
from geofence.testing import HOME, make_ban, make_device, make_protected, make_vendor, offset

pytestmark = pytest.mark.django_db

PLACES = list(csv.DictReader(PLACES_CSV.read_text(encoding="utf-8").splitlines()))
ALERT_ID = {"alert_id": "5b0d7a4e-0000-4000-8000-000000000002"}


def last_fix_of(device, position, age_s: float) -> Fix:
    at = timezone.now() - timedelta(seconds=age_s)
    fix = Fix.objects.create(device=device, ts=at, lat=position[0], lon=position[1], accuracy_m=9, received_at=at)
    DeviceStatus.objects.update_or_create(device=device, defaults={"last_fix": fix, "last_fix_at": at})
    return fix


@pytest.fixture
def subject():
    vendor, _key = make_vendor()
    ban = make_ban(risk="low")
    return vendor, ban, make_device(vendor, person=ban.person)


@pytest.mark.parametrize(
    "kind",
    [IncidentType.STRAP_TAMPER, IncidentType.DEVICE_SILENT, IncidentType.NO_GPS_FIX, IncidentType.BATTERY_CRITICAL],
)
def test_device_alert_carries_the_subjects_last_known_position_and_its_age(subject, kind):
    vendor, ban, device = subject
    where = offset(*HOME, 8000, 45)
    last_fix_of(device, where, age_s=300)
    incident = Incident.objects.create(type=kind, opened_at=timezone.now(), person=ban.person, device=device)

    message = build_alert_message(incident, "opened") | ALERT_ID

    assert message_errors(message) == []
    assert (message["last_fix"]["lat"], message["last_fix"]["lon"]) == pytest.approx(where)
    assert 299 <= message["last_fix"]["age_s"] <= 310
    assert message["victim_position"] is None


def test_silent_device_alert_takes_the_newer_fix_of_another_worn_device(subject):
    vendor, ban, device = subject
    other = make_device(vendor, person=ban.person)
    last_fix_of(device, offset(*HOME, 9000, 10), age_s=3600)
    newer = offset(*HOME, 7000, 200)
    last_fix_of(other, newer, age_s=60)
    incident = Incident.objects.create(
        type=IncidentType.DEVICE_SILENT, opened_at=timezone.now(), person=ban.person, device=device
    )

    message = build_alert_message(incident, "opened")

    assert (message["last_fix"]["lat"], message["last_fix"]["lon"]) == pytest.approx(newer)


def test_panic_alert_carries_the_victim_units_position(subject):
    vendor, ban, device = subject
    victim = make_protected()
    ban.protected_persons.add(victim)
    unit = make_device(vendor, protected_person=victim)
    at_victim = offset(*HOME, 300, 90)
    last_fix_of(unit, at_victim, age_s=20)
    subject_at = offset(*HOME, 6000, 270)
    last_fix_of(device, subject_at, age_s=30)
    incident = Incident.objects.create(
        type=IncidentType.PANIC,
        opened_at=timezone.now(),
        device=unit,
        protected_person=victim,
        ban=ban,
        person=ban.person,
    )

    message = build_alert_message(incident, "opened") | ALERT_ID

    assert message_errors(message) == []
    assert (message["victim_position"]["lat"], message["victim_position"]["lon"]) == pytest.approx(at_victim)
    assert (message["last_fix"]["lat"], message["last_fix"]["lon"]) == pytest.approx(subject_at)
    assert message["last_fix"]["place"]["text"] and "place" not in message["victim_position"]


def test_subjects_position_carries_the_nearest_place_in_words(subject):
    vendor, ban, device = subject
    urk = next(p for p in PLACES if p["name"] == "Urk")
    where = offset(float(urk["lat"]), float(urk["lon"]), 2300, 45)
    incident = Incident.objects.create(
        type=IncidentType.STRAP_TAMPER, opened_at=timezone.now(), person=ban.person, device=device
    )
    last_fix_of(device, where, age_s=30)

    message = build_alert_message(incident, "opened") | ALERT_ID

    assert message_errors(message) == []
    place = message["last_fix"]["place"]
    assert place["text"] == "2,3 km NO van Urk"
    assert (place["name"], place["direction"]) == ("Urk", "NE") and abs(place["distance_m"] - 2300) <= 1


def test_closing_message_of_a_zone_incident_carries_no_position(subject):
    vendor, ban, device = subject
    fix = last_fix_of(device, offset(*HOME, 5010, 0), age_s=5)
    incident = Incident.objects.create(
        type=IncidentType.ZONE_VIOLATION,
        opened_at=timezone.now(),
        person=ban.person,
        device=device,
        ban=ban,
        last_fix=fix,
        closest_distance_m=1234.5,
        eta_min=3.2,
    )

    opened, closed = build_alert_message(incident, "opened"), build_alert_message(incident, "closed")

    assert opened["last_fix"] is not None and closed["last_fix"] is None
    for message in (opened, closed):
        keys, values = keys_and_values(message)
        assert not keys & {"proximity", "closest_distance_m", "eta_min"}
        # By value, not by searching the text: a timestamp's digits ("13.26...") may hold "3.2".
        assert not {1234.5, 1234, 1235, 3.2} & {v for v in values if isinstance(v, int | float)}


def keys_and_values(message: dict) -> tuple[set[str], list]:
    """Return every key and every leaf value of a nested message."""
    keys, values, stack = set(), [], [message]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            keys.update(item)
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        else:
            values.append(item)
    return keys, values
