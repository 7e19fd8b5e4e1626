"""The overview map's JSON: incidents by priority with positions in words, devices, filters, 304s, victims' units."""

from datetime import timedelta

import pytest
from django.utils import timezone

from geofence.models import Device, DeviceAssignment, DeviceKind, DeviceStatus, Fix, StrapState
from geofence.monitor.models import BanRegion

pytestmark = pytest.mark.django_db

URL = "/monitor/api/map/"


def placed_device(ban, device_id: str, position, *, kind=DeviceKind.ANKLE_MONITOR, minutes_ago=3, **status):
    vendor = ban.incidents.first().vendor if ban.incidents.exists() else None
    device = Device.objects.create(vendor=vendor or _vendor(), device_id=device_id, kind=kind)
    wearer = {"protected_person": ban.protected_persons.first()} if kind == DeviceKind.VICTIM_UNIT else {}
    DeviceAssignment.objects.create(
        device=device, person=None if wearer else ban.person, valid_from=ban.valid_from, **wearer
    )
    at = timezone.now() - timedelta(minutes=minutes_ago)
    fix = Fix.objects.create(device=device, ts=at, lat=position[0], lon=position[1], accuracy_m=10, received_at=at)
    values = {"last_contact_at": at, "last_fix": fix, "last_fix_at": at, **status}
    DeviceStatus.objects.update_or_create(device=device, defaults=values)
    return device


def _vendor():
    from geofence.models import Vendor

    return Vendor.objects.get_or_create(slug="trackwell", defaults={"name": "Trackwell BV"})[0]


def test_map_shows_incidents_with_priority_and_place_and_devices_with_age_and_state(browser_client, make_incident):
    incident = make_incident(priority=2)
    placed_device(incident.ban, "EB-77001", (52.37, 4.89), strap_state=StrapState.TAMPERED, minutes_ago=90)

    data = browser_client("carol").get(URL).json()

    (point,) = data["incidents"]
    assert (point["id"], point["priority"], point["priority_class"]) == (incident.pk, 2, "high")
    assert point["coordinates"] == f"{incident.last_fix.lat:.5f}, {incident.last_fix.lon:.5f}"
    assert " van " in point["place"]
    device = next(d for d in data["devices"] if d["device_id"].endswith("EB-77001"))
    assert device["health"] == "tampered" and 5390 <= device["age_s"] <= 5460
    assert (device["lat"], device["lon"]) == (52.37, 4.89)


def test_region_and_type_filters_apply_to_the_map_as_to_the_board(browser_client, make_incident, make_ban):
    utrecht = make_incident()
    BanRegion.objects.filter(ban=utrecht.ban).update(region="midden-nederland")
    north_ban = make_ban()
    BanRegion.objects.filter(ban=north_ban).update(region="noord-nederland")
    placed_device(north_ban, "EB-77002", (53.2, 6.56))
    client = browser_client("erin")  # a supervisor sees every region; the filter narrows it

    north = client.get(URL, {"region": "noord-nederland"}).json()
    other_type = client.get(URL, {"type": "device_silent"}).json()
    problems = client.get(URL, {"devices": "problems"}).json()

    assert north["incidents"] == []
    assert [d["device_id"][-8:] for d in north["devices"]] == ["EB-77002"]
    assert other_type["incidents"] == []
    assert problems["devices"] == []  # the north device is in order and the incident's device has no status
    # An operator of Midden-Nederland does not see the north at all, filter or not.
    assert browser_client("carol").get(URL, {"region": "noord-nederland"}).json()["devices"] == []


def test_unchanged_map_is_a_304_and_a_new_incident_changes_it(browser_client, make_incident):
    make_incident()
    client = browser_client("carol")
    etag = client.get(URL)["ETag"]

    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    make_incident(priority=1)
    answer = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert answer.status_code == 200 and len(answer.json()["incidents"]) == 2


def test_a_victims_unit_is_left_out_for_users_who_may_not_see_protected_persons(
    browser_client, make_incident, settings, monkeypatch
):
    incident = make_incident()
    placed_device(incident.ban, "SU-88001", (52.09, 5.12), kind=DeviceKind.VICTIM_UNIT)
    monkeypatch.setattr("geofence.monitor.mapviews.may_see_protected_persons", lambda user: False)

    ids = [d["device_id"] for d in browser_client("carol").get(URL).json()["devices"]]

    assert not any(i.endswith("SU-88001") for i in ids)


def test_the_map_page_and_json_are_for_the_monitoring_centre_only(browser_client):
    assert browser_client(None).get(URL).status_code == 401
    assert browser_client("alice").get(URL).status_code == 403
    assert browser_client("carol").get("/monitor/map/").status_code == 200
