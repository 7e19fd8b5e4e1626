"""An outbox row becomes exactly one schema-valid, persistent message on police.alerts."""

import pytest
from django.db import transaction

from geofence.alerts.models import AlertOutbox, AlertStatus
from geofence.alerts.outbox import enqueue_alert
from geofence.alerts.police_queue import PoliceQueue
from geofence.alerts.schema import message_errors

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_outbox_row_yields_exactly_one_schema_valid_message(police_queue_url, eager_celery, make_message):
    with transaction.atomic():
        alert = enqueue_alert(incident_id=41, change="opened", priority=1, message=make_message(41))

    received = PoliceQueue(police_queue_url).drain(timeout=1.0)

    assert [r.alert_id for r in received] == [str(alert.alert_id)]
    assert message_errors(received[0].body) == []
    assert received[0].body["alert_id"] == str(alert.alert_id)
    assert AlertOutbox.objects.get(pk=alert.pk).status == AlertStatus.PUBLISHED


def test_message_is_persistent_json(police_queue_url, make_message):
    PoliceQueue(police_queue_url).publish(make_message(), alert_id="a-1")

    (received,) = PoliceQueue(police_queue_url).drain(timeout=1.0)

    assert received.content_type == "application/json"
    assert received.delivery_mode == 2
    assert received.alert_id == "a-1"


def test_publisher_reconnects_after_its_connection_breaks(police_queue_url, make_message):
    queue = PoliceQueue(police_queue_url)
    queue.publish(make_message(), alert_id="before")
    queue._connection.collect()  # the socket is gone, as after a broker restart

    queue.publish(make_message(), alert_id="after")

    assert [r.alert_id for r in PoliceQueue(police_queue_url).drain(timeout=1.0)] == ["before", "after"]
