"""The shift handover page: what is open, what waits, what failed, and the notes since a chosen time."""

from datetime import timedelta

from django.utils import timezone

from geofence.models import IncidentEvent
from geofence.monitor.models import HandoverNote
from registry.models import AuditEntry


def test_handover_lists_waiting_incidents_and_notes_since_the_time_chosen(browser_client, make_incident, users):
    waiting = make_incident()
    taken = make_incident(state="acknowledged")
    old = HandoverNote.objects.create(
        author=users["erin"], text="Oude notitie", written_at=timezone.now() - timedelta(days=2)
    )
    IncidentEvent.objects.create(
        incident=taken, action="note", at=timezone.now(), actor_name="carol", note="Band gecontroleerd"
    )
    client = browser_client("carol")
    response = client.post("/monitor/overdracht/", {"text": "Let op EB-00042: batterij zwak"})
    assert response.status_code == 303
    page = client.get(response["Location"]).content.decode()
    unacknowledged = page.split('id="handover-unacknowledged"')[1].split("</section>")[0]
    assert f'data-incident-id="{waiting.pk}"' in unacknowledged
    assert f'data-incident-id="{taken.pk}"' not in unacknowledged
    assert "Let op EB-00042: batterij zwak" in page and "Band gecontroleerd" in page
    assert old.text not in page
    since = timezone.localtime(timezone.now() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    assert old.text in client.get("/monitor/overdracht/", {"since": since}).content.decode()
    assert AuditEntry.objects.filter(action="handover.note", actor_name="carol").count() == 1


def test_empty_note_and_bad_time_are_400_with_the_field(browser_client):
    client = browser_client("erin")
    response = client.post("/monitor/overdracht/", {"text": "  "})
    assert response.status_code == 400
    assert 'data-field="text"' in response.content.decode()
    response = client.get("/monitor/overdracht/", {"since": "gisteren"})
    assert response.status_code == 400
    assert 'data-field="since"' in response.content.decode()
    assert not HandoverNote.objects.exists()
