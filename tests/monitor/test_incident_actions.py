"""Operator actions: applied once, logged, refused when the operator saw an old version."""

import pytest

from geofence.alerts.models import AlertOutbox
from geofence.models import IncidentEvent
from registry.models import AuditEntry


def act(client, incident, action, **body):
    return client.post(f"/monitor/api/incidents/{incident.pk}/{action}/", body, content_type="application/json")


def test_acknowledge_moves_state_and_writes_timeline_and_audit(browser_client, make_incident):
    incident = make_incident()
    response = act(browser_client("carol"), incident, "acknowledge", version=incident.version)
    assert response.status_code == 200
    assert response.json()["incident"]["state"] == "acknowledged"
    incident.refresh_from_db()
    assert (incident.state, incident.version) == ("acknowledged", 2)
    event = IncidentEvent.objects.get(incident=incident, action="acknowledged")
    assert (event.actor_name, event.from_state, event.to_state) == ("carol", "open", "acknowledged")
    audit = AuditEntry.objects.get(action="incident.acknowledged")
    assert (audit.actor_name, audit.target_id, audit.person_ids) == ("carol", str(incident.pk), [incident.person_id])


def test_stale_version_gets_409_naming_who_changed_it(browser_client, make_incident):
    incident = make_incident()
    assert act(browser_client("erin"), incident, "acknowledge", version=1).status_code == 200
    response = act(browser_client("carol"), incident, "close", version=1, outcome="false_alarm")
    assert response.status_code == 409
    assert response.json()["detail"] == "Dit incident is intussen gewijzigd door erin; ververs de pagina."
    incident.refresh_from_db()
    assert (incident.state, incident.version) == ("acknowledged", 2)
    assert not AuditEntry.objects.filter(action="incident.closed").exists()


def test_stale_note_is_refused_too(browser_client, make_incident):
    incident = make_incident()
    act(browser_client("erin"), incident, "note", version=1, text="Contact gehad met reclassering.")
    response = act(browser_client("carol"), incident, "note", version=1, text="Andere notitie")
    assert response.status_code == 409
    assert IncidentEvent.objects.filter(incident=incident, action="note").count() == 1


def test_change_by_the_system_is_named_as_such(browser_client, make_incident):
    incident = make_incident(version=3)
    response = act(browser_client("carol"), incident, "acknowledge", version=2)
    assert response.status_code == 409
    assert "gewijzigd door het systeem" in response.json()["detail"]


def test_close_needs_a_known_outcome(browser_client, make_incident):
    incident = make_incident()
    response = act(browser_client("carol"), incident, "close", version=1, outcome="bored")
    assert response.status_code == 422
    assert response.json()["field"] == "outcome"


def test_close_records_outcome_and_tells_the_police(browser_client, make_incident):
    incident = make_incident()
    response = act(browser_client("carol"), incident, "close", version=1, outcome="device_fault", note="Band defect")
    assert response.status_code == 200
    incident.refresh_from_db()
    assert (incident.state, incident.closed_reason) == ("closed", "device_fault")
    assert incident.closed_at is not None
    assert AlertOutbox.objects.filter(incident_id=incident.pk, change="closed").count() == 1


def test_manual_escalation_goes_through_the_outbox(browser_client, make_incident):
    incident = make_incident()
    assert act(browser_client("carol"), incident, "escalate", version=1).status_code == 200
    incident.refresh_from_db()
    assert incident.state == "escalated"
    alert = AlertOutbox.objects.get(incident_id=incident.pk)
    assert alert.message["alert_id"] == str(alert.alert_id)
    assert AuditEntry.objects.filter(action="incident.escalated", actor_name="carol").exists()


def test_escalating_an_escalated_incident_sends_another_alert(browser_client, make_incident):
    incident = make_incident(state="escalated")
    assert act(browser_client("carol"), incident, "escalate", version=1).status_code == 200
    assert AlertOutbox.objects.filter(incident_id=incident.pk, change="manual_escalation").count() == 1


def test_acknowledging_twice_is_refused_with_the_state(browser_client, make_incident):
    incident = make_incident()
    act(browser_client("carol"), incident, "acknowledge", version=1)
    response = act(browser_client("carol"), incident, "acknowledge", version=2)
    assert response.status_code == 422
    assert "in behandeling" in response.json()["detail"]


def test_assign_to_an_operator(browser_client, make_incident, users):
    incident = make_incident()
    response = act(browser_client("erin"), incident, "assign", version=1, operator=users["carol"].pk)
    assert response.status_code == 200
    incident.refresh_from_db()
    assert incident.assigned_to == users["carol"]
    assert AuditEntry.objects.get(action="incident.assigned").details["operator"] == "carol"


@pytest.mark.parametrize("operator", ["bob", "nobody"])
def test_assign_only_to_monitoring_staff(browser_client, make_incident, users, operator):
    incident = make_incident()
    pk = users[operator].pk if operator in users else 999999
    response = act(browser_client("erin"), incident, "assign", version=1, operator=pk)
    assert response.status_code == 422


def test_missing_version_is_a_400(browser_client, make_incident):
    incident = make_incident()
    response = act(browser_client("carol"), incident, "acknowledge")
    assert response.status_code == 400
    assert response.json()["field"] == "version"


def test_empty_note_is_refused(browser_client, make_incident):
    incident = make_incident()
    assert act(browser_client("carol"), incident, "note", version=1, text="  ").status_code == 422


def test_unknown_incident_is_404(browser_client, db, users):
    response = browser_client("carol").post(
        "/monitor/api/incidents/987654/acknowledge/", {"version": 1}, content_type="application/json"
    )
    assert response.status_code == 404
