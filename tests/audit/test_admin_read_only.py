"""Incidents, their timelines, device statuses and events, and alerts are read-only in the admin, for superusers too."""

import uuid

import pytest
from django.utils import timezone

from geofence.alerts.models import AlertOutbox, AlertStatus
from geofence.models import DeviceEvent, DeviceStatus, Incident, IncidentEvent
from geofence.testing import make_device, make_vendor
from registry.models import AuditEntry


@pytest.fixture
def superuser_client(client, users):
    admin = users["erin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


@pytest.fixture
def rows(db) -> dict[str, object]:
    now = timezone.now()
    device = make_device(make_vendor()[0])
    incident = Incident.objects.create(type=Incident._meta.get_field("type").choices[0][0], opened_at=now)
    IncidentEvent.objects.create(incident=incident, action="opened", at=now)
    return {
        "incident": incident,
        "devicestatus": DeviceStatus.objects.get_or_create(device=device)[0],
        "deviceevent": DeviceEvent.objects.create(
            device=device, ts=now, received_at=now, type=DeviceEvent._meta.get_field("type").choices[0][0]
        ),
        "alertoutbox": AlertOutbox.objects.create(
            alert_id=uuid.uuid4(), incident_id=incident.pk, change="opened", message={}, status=AlertStatus.PENDING
        ),
    }


PATHS = {
    "incident": "/admin/geofence/incident/",
    "devicestatus": "/admin/geofence/devicestatus/",
    "deviceevent": "/admin/geofence/deviceevent/",
    "alertoutbox": "/admin/alerts/alertoutbox/",
}


@pytest.mark.parametrize("model", list(PATHS))
def test_superuser_sees_the_list_and_the_row_but_cannot_add(superuser_client, rows, model):
    obj = rows[model]
    assert superuser_client.get(PATHS[model]).status_code == 200
    assert superuser_client.get(f"{PATHS[model]}{obj.pk}/change/").status_code == 200
    assert superuser_client.get(f"{PATHS[model]}add/").status_code == 403


@pytest.mark.parametrize("model", list(PATHS))
def test_superuser_cannot_change_or_delete(superuser_client, rows, model):
    obj = rows[model]
    changed = superuser_client.post(f"{PATHS[model]}{obj.pk}/change/", {})
    deleted = superuser_client.post(f"{PATHS[model]}{obj.pk}/delete/", {"post": "yes"})
    assert changed.status_code == 403
    assert deleted.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_incident_change_page_shows_the_timeline_without_edit_fields(superuser_client, rows):
    page = superuser_client.get(f"/admin/geofence/incident/{rows['incident'].pk}/change/").content.decode()
    assert "opened" in page
    assert 'name="timeline-0-action"' not in page


def test_retrying_undelivered_alerts_still_goes_through_the_service(superuser_client, rows, eager_celery):
    alert = rows["alertoutbox"]
    response = superuser_client.post(
        PATHS["alertoutbox"], {"action": "retry_now", "_selected_action": [alert.pk]}, follow=True
    )
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="alert.retry", target_id=str(alert.pk)).exists()
