"""A batch does not wait on devices another request holds: the rest of it commits first (PostgreSQL).

Each device's work is serialised by the lock on its status row. A vendor's
batch that shares a few devices with a batch still being evaluated stores and
judges the others at once, then waits for the shared ones; the answer comes
when both parts are committed.
"""

import threading
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from geofence.models import DeviceStatus, Fix, Incident
from geofence.testing import HOME, fix, make_ban, make_device, make_vendor, offset
from tests.services import require_postgres

SETTLE_SECONDS = 10
URL = "/api/v1/feeds/positions"


def _hold_status_row(device) -> psycopg.Connection:
    """Lock the device's status row from another connection, as a request evaluating it does."""
    db = connection.settings_dict
    other = psycopg.connect(
        host=db["HOST"] or None, port=db["PORT"] or None, dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"]
    )
    other.execute("SELECT 1 FROM geofence_devicestatus WHERE device_id = %s FOR NO KEY UPDATE", [device.pk])
    return other


def _wait_for(condition, seconds: float = SETTLE_SECONDS) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _two_devices(slug: str, *distances: float):
    """Return a feed client, two subjects' devices (held, free) and a batch with one fix each at `distances`."""
    vendor, key = make_vendor(slug)
    held, free = (make_device(vendor, person=make_ban().person) for _ in range(2))
    at = timezone.now() - timedelta(seconds=30)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    batch = [
        fix(device, at, *offset(*HOME, distance)) for device, distance in zip((held, free), distances, strict=True)
    ]
    return client, held, free, batch


def _post_in_background(client, batch: list, answers: list) -> threading.Thread:
    def post():
        try:
            answers.append(client.post(URL, {"fixes": batch}, format="json"))
        finally:
            connection.close()

    request = threading.Thread(target=post)
    request.start()
    return request


@pytest.mark.django_db(transaction=True)
def test_free_devices_commit_while_a_held_one_waits():
    require_postgres()
    client, held, free, batch = _two_devices("busy", 1000, 1200)
    other = _hold_status_row(held)
    answers = []
    request = _post_in_background(client, batch, answers)
    try:
        # The free device's fix is stored and its entering judged while the held one still waits.
        assert _wait_for(lambda: Incident.objects.filter(device=free).exists())
        assert request.is_alive()
        assert not Fix.objects.filter(device=held).exists()
    finally:
        other.rollback()
        other.close()
        request.join(SETTLE_SECONDS)

    assert not request.is_alive()
    (answer,) = answers
    assert answer.status_code == 202
    assert answer.json()["accepted"] == 2
    assert Incident.objects.filter(device=held).count() == 1
    assert DeviceStatus.objects.get(device=held).evaluated_until == Fix.objects.get(device=held).ts


@pytest.mark.django_db(transaction=True)
def test_a_resent_split_batch_counts_every_fix_once():
    require_postgres()
    client, held, free, batch = _two_devices("busy-again", 9000, 9500)
    assert client.post(URL, {"fixes": batch}, format="json").json()["accepted"] == 2

    other = _hold_status_row(held)
    answers = []
    request = _post_in_background(client, batch, answers)
    try:
        time.sleep(0.5)
        assert request.is_alive()  # its first part is done; the second waits for the held device
    finally:
        other.rollback()
        other.close()
        request.join(SETTLE_SECONDS)

    (answer,) = answers
    assert answer.status_code == 202
    assert answer.json() == {"accepted": 0, "duplicates": 2, "conflicting_duplicates": 0, "rejected": []}
    assert Fix.objects.filter(device__in=[held, free]).count() == 2
