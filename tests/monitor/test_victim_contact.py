"""Victim contact on an incident: only its handler reveals the phone (audited) and logs contacts."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from geofence.monitor.checklists import parse, steps_for
from geofence.monitor.models import ChecklistTick, VictimContact
from registry.models import AuditEntry


def act(client, incident, action, **body):
    return client.post(f"/monitor/api/incidents/{incident.pk}/{action}/", body, content_type="application/json")


@pytest.fixture
def taken(browser_client, make_incident):
    """An incident carol has taken on, with a victim who has a phone number."""
    incident = make_incident()
    incident.protected_person.phone = "06 1234 5678"
    incident.protected_person.save()
    assert act(browser_client("carol"), incident, "acknowledge", version=1).status_code == 200
    return incident


def test_handler_reveals_phone_and_the_audit_names_the_protected_person(browser_client, taken):
    response = act(browser_client("carol"), taken, "victim/reveal", purpose="other", purpose_text="terugbellen")
    assert response.status_code == 200
    assert response.json()["revealed"]["phone"] == "06 1234 5678"
    audit = AuditEntry.objects.get(action="incident.victim_phone_revealed")
    assert audit.actor_name == "carol"
    assert audit.protected_person_ids == [taken.protected_person_id]
    assert audit.details == {"purpose": "other", "purpose_text": "terugbellen"}


def test_reveal_needs_a_purpose(browser_client, taken):
    response = act(browser_client("carol"), taken, "victim/reveal", purpose="other")
    assert (response.status_code, response.json()["field"]) == (422, "purpose_text")
    assert act(browser_client("carol"), taken, "victim/reveal").json()["field"] == "purpose"
    assert not AuditEntry.objects.filter(action="incident.victim_phone_revealed").exists()


@pytest.mark.parametrize("name", ["alice", "bob", "frank"])
def test_other_roles_get_403(browser_client, taken, name):
    assert act(browser_client(name), taken, "victim/reveal", purpose="call").status_code == 403
    assert browser_client(name).get(f"/monitor/api/incidents/{taken.pk}/casework/").status_code == 403


def test_anonymous_gets_401(browser_client, taken):
    assert act(browser_client(None), taken, "victim/reveal", purpose="call").status_code == 401


def test_operator_not_handling_the_incident_gets_403(browser_client, make_incident, taken):
    untaken = make_incident()
    assert act(browser_client("carol"), untaken, "victim/reveal", purpose="call").status_code == 403
    # A supervisor who does not handle carol's incident sees no phone either.
    assert act(browser_client("erin"), taken, "victim/reveal", purpose="call").status_code == 403
    assert not AuditEntry.objects.filter(action="incident.victim_phone_revealed").exists()


def test_assignment_moves_the_right_to_the_new_handler(browser_client, users, taken):
    act(browser_client("carol"), taken, "assign", version=2, operator=users["erin"].pk)
    assert act(browser_client("carol"), taken, "victim/reveal", purpose="call").status_code == 403
    assert act(browser_client("erin"), taken, "victim/reveal", purpose="call").status_code == 200


def test_closed_incident_gives_no_contact_details(browser_client, taken):
    act(browser_client("carol"), taken, "close", version=2, outcome="false_alarm")
    response = act(browser_client("carol"), taken, "victim/reveal", purpose="call")
    assert response.status_code == 403
    assert "gesloten" in response.json()["detail"]


def test_contact_is_logged_with_time_and_shown_in_the_timeline(browser_client, taken):
    client = browser_client("carol")
    response = act(client, taken, "victim/contacts", result="no_answer", at="2000-01-01T10:00")
    assert response.json()["field"] == "at"
    response = act(client, taken, "victim/contacts", result="warned", note="Veiligheidsadvies gegeven")
    assert response.status_code == 200
    assert [c["result_label"] for c in response.json()["contacts"]] == ["gewaarschuwd"]
    contact = VictimContact.objects.get()
    assert (contact.by.username, contact.protected_person_id) == ("carol", taken.protected_person_id)
    timeline = client.get(f"/monitor/api/incidents/{taken.pk}/").json()["timeline"]
    assert timeline[0]["kind"] == "victim_contact"
    assert timeline[0]["text"] == "gewaarschuwd – Veiligheidsadvies gegeven"
    assert AuditEntry.objects.get(action="incident.victim_contact_logged").protected_person_ids == [
        taken.protected_person_id
    ]


def test_checklist_tick_records_who_and_when_and_counts_progress(browser_client, taken):
    client = browser_client("carol")
    assert act(client, taken, "checklist", item="geen_stap").json()["field"] == "item"
    response = act(client, taken, "checklist", item="bel_slachtoffer")
    checklist = response.json()["checklist"]
    assert (checklist["done"], checklist["total"]) == (1, len(steps_for("zone_violation")))
    assert checklist["steps"][0] == checklist["steps"][0] | {"key": "bel_slachtoffer", "done": True, "by": "carol"}
    assert ChecklistTick.objects.get().by.username == "carol"
    assert act(browser_client("erin"), taken, "checklist", item="waarschuw_slachtoffer").status_code == 403


def test_closed_incident_shows_outcome_and_who_closed_it(browser_client, taken):
    act(browser_client("carol"), taken, "close", version=2, outcome="violation_confirmed", note="Politie ter plaatse")
    closure = browser_client("erin").get(f"/monitor/api/incidents/{taken.pk}/casework/").json()["closure"]
    assert (closure["outcome_label"], closure["by"], closure["note"]) == (
        "overtreding vastgesteld",
        "carol",
        "Politie ter plaatse",
    )


def test_checklist_file_errors_name_the_type_and_step():
    good = '[[type.default]]\nkey = "a"\ntekst = "Doe a"\n'
    assert parse(good)["default"][0].text_nl == "Doe a"
    with pytest.raises(ImproperlyConfigured, match="unknown incident type 'brand'"):
        parse(good + '[[type.brand]]\nkey = "a"\ntekst = "x"\n')
    with pytest.raises(ImproperlyConfigured, match="type.default step 2: key 'a' repeated"):
        parse(good + '[[type.default]]\nkey = "a"\ntekst = "x"\n')


def test_contact_time_typed_in_local_time_is_stored_as_that_moment(browser_client, taken):
    when = timezone.localtime() - timedelta(minutes=7)
    typed = when.strftime("%Y-%m-%dT%H:%M")
    assert act(browser_client("carol"), taken, "victim/contacts", result="reached", at=typed).status_code == 200
    assert VictimContact.objects.get().at == when.replace(second=0, microsecond=0)
