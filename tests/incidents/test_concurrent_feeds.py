"""Two requests with fixes for one device at the same time never open two incidents (PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from geofence.models import Incident
from geofence.testing import HOME, fix, make_ban, make_device, make_vendor, offset
from tests.services import require_postgres


@pytest.mark.django_db(transaction=True)
def test_concurrent_entering_batches_open_one_incident():
    require_postgres()
    vendor, key = make_vendor("parallel")
    devices = [make_device(vendor, person=make_ban().person) for _ in range(4)]
    now = timezone.now()
    batches = [
        [fix(d, now - timedelta(seconds=60 - 2 * i - k), *offset(*HOME, 1000 + 10 * i)) for d in devices]
        for k in (0, 1)
        for i in range(3)
    ]
    barrier = threading.Barrier(len(batches))
    answers = []

    def post(batch):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
        try:
            barrier.wait()
            answers.append(client.post("/api/v1/feeds/positions", {"fixes": batch}, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert answers == [202] * len(batches)
    for device in devices:
        assert Incident.objects.filter(device=device).count() == 1
