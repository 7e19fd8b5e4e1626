"""Devices through the integration API: the registrar and the device's own vendor write, the centre reads."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from geofence.models import Device, DeviceAssignment, Fix, QuarantinedItem
from geofence.testing import fix, make_ban, make_device, make_person
from registry.models import AuditEntry

DEVICES = "/api/v1/devices/"


def register(client, **body):
    return client.post(DEVICES, {"kind": "ankle_monitor", **body}, format="json")


def test_registrar_registers_a_device_and_its_quarantined_fixes_are_stored(client_for, feed):
    ts = timezone.now() - timedelta(minutes=3)
    assert feed.positions([fix("EM-NEW-1", ts, 52.0, 5.0)]).json()["rejected"][0]["reason"] == "unknown_device"

    answer = register(client_for("alice"), vendor="acme", device_id="EM-NEW-1", model="X2")

    assert answer.status_code == 201, answer.content
    assert answer.json()["attributed_fixes"] == 1
    device = Device.objects.get(pk=answer.json()["id"])
    assert (device.vendor, device.device_id, device.model, device.active) == (feed.vendor, "EM-NEW-1", "X2", True)
    assert Fix.objects.filter(device=device, ts=ts).exists()
    assert QuarantinedItem.objects.get().attributed_at is not None
    assert AuditEntry.objects.filter(action="geofence.device.register", actor__username="alice").count() == 1


def test_vendor_registers_its_own_device_only(feed, other_feed):
    assert register(feed.client, device_id="EM-OWN-1").status_code == 201
    other = register(feed.client, device_id="EM-OWN-2", vendor="globex")

    assert other.status_code == 400
    assert "vendor" in other.json()
    assert list(Device.objects.values_list("vendor__slug", "device_id")) == [("acme", "EM-OWN-1")]
    assert AuditEntry.objects.get(action="geofence.device.register").details["vendor"] == "acme"


def test_registering_twice_is_a_conflict(client_for, feed):
    assert register(client_for("alice"), vendor="acme", device_id="EM-DUP").status_code == 201
    answer = register(client_for("alice"), vendor="acme", device_id="EM-DUP")

    assert answer.status_code == 409
    assert answer.json()["code"] == "device_exists"


def test_registrar_must_name_the_vendor(client_for, feed):
    answer = register(client_for("alice"), device_id="EM-1")
    assert answer.status_code == 400 and "vendor" in answer.json()


def test_vendor_b_neither_sees_nor_touches_vendor_a_devices(feed, other_feed):
    mine = make_device(feed.vendor, "EM-A-1", person=make_person())
    spare = make_device(other_feed.vendor, "EM-B-9")
    client = other_feed.client

    assert [d["device_id"] for d in client.get(DEVICES).json()["results"]] == ["EM-B-9"]
    assert client.get(f"{DEVICES}{mine.pk}/").status_code == 404
    assert client.post(f"{DEVICES}{mine.pk}/retire/", {"reason": "x"}, format="json").status_code == 404
    replace = client.post(f"{DEVICES}{mine.pk}/replace/", {"new_device": spare.pk, "reason": "x"}, format="json")
    assert replace.status_code == 404
    # Nor may vendor A move its wearer onto vendor B's device.
    foreign = feed.client.post(f"{DEVICES}{mine.pk}/replace/", {"new_device": spare.pk, "reason": "x"}, format="json")
    assert foreign.status_code == 400 and "new_device" in foreign.json()
    assert DeviceAssignment.objects.get().device == mine and Device.objects.get(pk=mine.pk).active


@pytest.mark.parametrize("name", ["carol", "erin"])
def test_centre_reads_devices_but_does_not_write(client_for, feed, name):
    # Worn by a person under a ban in the operator's region (the test bans' default region).
    device = make_device(feed.vendor, "EM-R-1", person=make_ban(person=make_person()).person)
    client = client_for(name)

    assert client.get(f"{DEVICES}{device.pk}/").json()["device_id"] == "EM-R-1"
    assert register(client, vendor="acme", device_id="EM-R-2").status_code == 403
    assert client.post(f"{DEVICES}{device.pk}/retire/", {"reason": "x"}, format="json").status_code == 403


def test_operator_does_not_see_a_device_nobody_in_the_region_wears(client_for, feed):
    device = make_device(feed.vendor, "EM-R-3")

    assert client_for("carol").get(f"{DEVICES}{device.pk}/").status_code == 404
    assert client_for("erin").get(f"{DEVICES}{device.pk}/").status_code == 200


def test_officer_and_dispatch_may_not_read_devices(client_for, feed):
    assert client_for("bob").get(DEVICES).status_code == 403
    assert client_for("frank").get(DEVICES).status_code == 403
    assert client_for(None).get(DEVICES).status_code == 401


def test_worn_device_is_not_retired_before_its_assignment_ends(client_for, feed):
    device = make_device(feed.vendor, "EM-W-1", person=make_person())
    client = client_for("alice")

    refused = client.post(f"{DEVICES}{device.pk}/retire/", {"reason": "defect"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "device_assigned"

    DeviceAssignment.objects.filter(device=device).update(valid_until=timezone.now() - timedelta(minutes=1))
    retired = client.post(f"{DEVICES}{device.pk}/retire/", {"reason": "defect"}, format="json")
    assert retired.status_code == 200 and retired.json()["active"] is False
    again = client.post(f"{DEVICES}{device.pk}/retire/", {"reason": "defect"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "device_retired"


def test_replacing_moves_the_wearer_to_the_new_device_with_history(feed, django_capture_on_commit_callbacks):
    person = make_person()
    until = datetime(2027, 6, 1, tzinfo=UTC)
    old = make_device(feed.vendor, "EM-OLD", person=person)
    DeviceAssignment.objects.filter(device=old).update(valid_until=until)
    new = make_device(feed.vendor, "EM-NEW")
    at = timezone.now() - timedelta(minutes=5)

    with django_capture_on_commit_callbacks(execute=True):
        answer = feed.client.post(
            f"{DEVICES}{old.pk}/replace/",
            {"new_device": new.pk, "at": at.isoformat(), "reason": "band defect"},
            format="json",
        )

    assert answer.status_code == 200, answer.content
    assert (answer.json()["retired"]["active"], answer.json()["replacement"]["device_id"]) == (False, "EM-NEW")
    assert "person" not in str(answer.json())  # a vendor never learns who wears it
    rows = list(DeviceAssignment.objects.filter(person=person).order_by("valid_from"))
    assert [(r.device_id, r.valid_until) for r in rows] == [(old.pk, at), (new.pk, until)]
    assert rows[1].valid_from == at
    assert feed.positions([fix(new, timezone.now(), 52.0, 5.0)]).json()["accepted"] == 1
    entry = AuditEntry.objects.get(action="geofence.device.replace")
    assert (entry.person_ids, entry.details["reason"]) == ([person.pk], "band defect")


def test_replacing_an_unworn_device_is_a_conflict(feed):
    old, new = make_device(feed.vendor, "EM-1"), make_device(feed.vendor, "EM-2")
    answer = feed.client.post(f"{DEVICES}{old.pk}/replace/", {"new_device": new.pk, "reason": "x"}, format="json")

    assert answer.status_code == 409 and answer.json()["code"] == "not_assigned"
    assert Device.objects.get(pk=old.pk).active


def test_replacing_with_a_naive_time_is_refused_by_field(feed):
    old = make_device(feed.vendor, "EM-1", person=make_person())
    new = make_device(feed.vendor, "EM-2")
    body = {"new_device": new.pk, "at": "2026-03-01T12:00:00", "reason": "x"}

    answer = feed.client.post(f"{DEVICES}{old.pk}/replace/", body, format="json")

    assert answer.status_code == 400
    assert "tijdzone" in answer.json()["at"][0]


def test_replacing_onto_a_taken_or_other_kind_of_device_is_refused_by_field(feed):
    old = make_device(feed.vendor, "EM-1", person=make_person())
    taken = make_device(feed.vendor, "EM-2", person=make_person())
    victim_unit = Device.objects.create(vendor=feed.vendor, device_id="VU-1", kind="victim_unit")

    for new in (taken, victim_unit):
        body = {"new_device": new.pk, "reason": "x"}
        answer = feed.client.post(f"{DEVICES}{old.pk}/replace/", body, format="json")
        assert answer.status_code == 400 and "new_device" in answer.json(), answer.content
    assert DeviceAssignment.objects.filter(device=old, valid_until__isnull=True).exists()
