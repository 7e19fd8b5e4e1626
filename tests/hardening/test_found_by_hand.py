"""Inputs that were answered with a 500 or stored without limit: each is a 4xx with the field at fault."""

import json

import pytest

from geofence.models import Incident, IncidentEvent
from geofence.models.incidents import NOTE_MAX_LENGTH


def test_audit_filter_by_an_officer_written_in_superscript_digits_is_not_a_500(world):
    # "²".isdigit() is true, int("²") raises.
    response = world.client("supervisor").get("/api/v1/audit", {"officer": "²"})
    assert response.status_code == 200
    assert response.json()["results"] == []


def _post_action(world, action: str, body) -> object:
    incident = Incident.objects.get(pk=world.ids["incident"])
    data = body if isinstance(body, str) else json.dumps({"version": incident.version, **body})
    return world.client("operator").post(
        f"/monitor/api/incidents/{incident.pk}/{action}/", data, content_type="application/json"
    )


def test_a_deeply_nested_note_body_is_a_400(world):
    nested = '{"version": 1, "text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = _post_action(world, "note", nested)
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("action", "field", "extra"),
    [
        ("note", "text", {}),
        ("escalate", "note", {}),
        ("close", "note", {"outcome": "false_alarm"}),
    ],
)
def test_every_note_longer_than_the_limit_is_refused_and_not_stored(world, action, field, extra):
    events = IncidentEvent.objects.count()
    response = _post_action(world, action, {field: "x" * (NOTE_MAX_LENGTH + 1), **extra})
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert IncidentEvent.objects.count() == events


def test_a_note_of_exactly_the_limit_is_stored(world):
    response = _post_action(world, "note", {"text": "x" * NOTE_MAX_LENGTH})
    assert response.status_code == 200, response.content
