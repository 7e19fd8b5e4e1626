"""Device assignments through the integration API: the registrar writes with aware times, the centre reads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from geofence.models import DeviceAssignment
from geofence.testing import make_device, make_person, make_protected
from registry.models import AuditEntry

ASSIGNMENTS = "/api/v1/assignments/"


@pytest.fixture
def device(feed):
    return make_device(feed.vendor, "EM-ASSIGN-1")


def start(client, device, **body):
    return client.post(ASSIGNMENTS, {"device": device.pk, **body}, format="json")


def test_registrar_starts_and_ends_an_assignment(client_for, device):
    person = make_person()
    client = client_for("alice")

    answer = start(client, device, person=person.pk, valid_from="2026-03-01T21:00:00+01:00")
    assert answer.status_code == 201, answer.content
    row = DeviceAssignment.objects.get(pk=answer.json()["id"])
    assert row.valid_from.isoformat() == "2026-03-01T20:00:00+00:00"

    ended = client.post(f"{ASSIGNMENTS}{row.pk}/end/", {"valid_until": "2026-03-02T08:00:00Z"}, format="json")
    assert ended.status_code == 200, ended.content
    assert ended.json()["valid_until"].startswith("2026-03-02T09:00:00+01:00")
    again = client.post(f"{ASSIGNMENTS}{row.pk}/end/", {"valid_until": "2026-03-02T09:00:00Z"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "assignment_ended"
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "person_ids"))
    assert actions == [("geofence.assignment.start", [person.pk]), ("geofence.assignment.end", [person.pk])]


@pytest.mark.parametrize("field", ["valid_from", "valid_until"])
def test_naive_time_is_400_with_field_message(client_for, device, field):
    body = {"valid_from": "2026-03-01T21:00:00Z", field: "2026-03-03T21:00:00"}

    answer = start(client_for("alice"), device, person=make_person().pk, **body)

    assert answer.status_code == 400
    assert "tijdzone" in answer.json()[field][0]
    assert not DeviceAssignment.objects.exists()


def test_overlapping_assignment_is_refused(client_for, device):
    client = client_for("alice")
    assert start(client, device, person=make_person().pk, valid_from="2026-03-01T00:00:00Z").status_code == 201

    answer = start(client, device, person=make_person().pk, valid_from="2026-04-01T00:00:00Z")

    assert answer.status_code == 400
    assert "valid_from" in answer.json()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({}, "non_field_errors"),
        ({"valid_until": "2026-02-01T00:00:00Z"}, "valid_until"),
        ({"valid_from": "morgen"}, "valid_from"),
    ],
)
def test_bad_assignments_are_400_by_field(client_for, device, extra, field):
    body = {"valid_from": "2026-03-01T00:00:00Z", **extra}
    if field != "non_field_errors":
        body["person"] = make_person().pk

    answer = start(client_for("alice"), device, **body)

    assert answer.status_code == 400
    assert field in answer.json()


def test_end_before_start_is_refused(client_for, device):
    row = DeviceAssignment.objects.create(device=device, person=make_person(), valid_from=timezone.now())
    answer = client_for("alice").post(
        f"{ASSIGNMENTS}{row.pk}/end/", {"valid_until": "2026-01-01T00:00:00Z"}, format="json"
    )
    assert answer.status_code == 400 and "valid_until" in answer.json()


def test_protected_person_device_and_history_by_device(client_for, device):
    victim = make_protected()
    since = timezone.now() - timedelta(days=2)
    DeviceAssignment.objects.create(device=device, person=make_person(), valid_from=since, valid_until=since)
    client = client_for("alice")
    assert start(client, device, protected_person=victim.pk, valid_from=timezone.now().isoformat()).status_code == 201

    rows = client_for("erin").get(ASSIGNMENTS, {"device": device.pk}).json()["results"]

    assert [r["protected_person"] for r in rows] == [victim.pk, None]


@pytest.mark.parametrize(("name", "status"), [("erin", 403), ("carol", 403), ("bob", 403), ("frank", 403)])
def test_only_the_registrar_starts_assignments(client_for, device, name, status):
    answer = start(client_for(name), device, person=make_person().pk, valid_from="2026-03-01T00:00:00Z")
    assert answer.status_code == status


def test_vendor_key_is_no_login_for_assignments(feed, device):
    assert feed.client.get(ASSIGNMENTS).status_code == 401
