"""Incidents through the integration API: every age and state, filtered and paged, for the monitoring centre."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from geofence.incidents.services import Action, change_state, open_incident
from geofence.models import IncidentType
from geofence.testing import make_ban, make_device, make_person
from registry.models import AuditEntry

INCIDENTS = "/api/v1/incidents/"


@pytest.fixture
def incidents(feed):
    """An old closed violation in Utrecht, an open one in Amsterdam, and a device problem without a ban."""
    now = timezone.now()
    utrecht, amsterdam = make_ban(region="midden-nederland"), make_ban(region="amsterdam")
    device = make_device(feed.vendor, person=utrecht.person)
    with transaction.atomic():
        old = open_incident(
            type=IncidentType.ZONE_VIOLATION, at=now - timedelta(days=90), ban=utrecht, person=utrecht.person
        )
        change_state(old, Action.CLOSE, at=now - timedelta(days=89), reason="false_alarm")
        fresh = open_incident(
            type=IncidentType.ZONE_VIOLATION, at=now - timedelta(hours=1), ban=amsterdam, person=amsterdam.person
        )
        tamper = open_incident(
            type=IncidentType.STRAP_TAMPER, at=now - timedelta(minutes=5), person=utrecht.person, device=device
        )
    return {"old": old.pk, "fresh": fresh.pk, "tamper": tamper.pk, "utrecht": utrecht.person_id}


def ids(answer) -> list[int]:
    assert answer.status_code == 200, answer.content
    return [row["id"] for row in answer.json()["results"]]


def test_list_holds_every_age_and_state_newest_first(client_for, incidents):
    answer = client_for("erin").get(INCIDENTS)

    assert ids(answer) == [incidents["tamper"], incidents["fresh"], incidents["old"]]
    assert answer.json()["count"] == 3
    old = answer.json()["results"][2]
    assert (old["state"], old["closed_reason"]) == ("closed", "false_alarm")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "closed"}, ["old"]),
        ({"state": "open"}, ["tamper", "fresh"]),
        ({"type": "strap_tamper"}, ["tamper"]),
        ({"region": "amsterdam"}, ["fresh"]),
        ({"region": "midden-nederland"}, ["tamper", "old"]),  # the device problem takes its subject's region
        ({"opened_after": "2000-01-01", "opened_before": "2030-01-01"}, ["tamper", "fresh", "old"]),
    ],
)
def test_filters(client_for, incidents, query, expected):
    assert ids(client_for("erin").get(INCIDENTS, query)) == [incidents[name] for name in expected]


def test_operator_lists_only_the_incidents_of_their_region(client_for, incidents):
    # carol works in Midden-Nederland: the Amsterdam violation does not exist for her.
    carol = client_for("carol")
    assert ids(carol.get(INCIDENTS)) == [incidents["tamper"], incidents["old"]]
    assert carol.get(f"{INCIDENTS}{incidents['fresh']}/").status_code == 404


def test_subject_priority_time_and_change_filters(client_for, incidents):
    client = client_for("erin")
    assert ids(client.get(INCIDENTS, {"subject": incidents["utrecht"]})) == [incidents["tamper"], incidents["old"]]
    since = (timezone.now() - timedelta(days=2)).isoformat()
    assert ids(client.get(INCIDENTS, {"opened_after": since})) == [incidents["tamper"], incidents["fresh"]]
    assert ids(client.get(INCIDENTS, {"changed_after": timezone.now().isoformat()})) == []
    priorities = {row["id"]: row["priority"] for row in client.get(INCIDENTS).json()["results"]}
    top = min(priorities.values())
    expected = [pk for pk in (incidents["tamper"], incidents["fresh"], incidents["old"]) if priorities[pk] == top]
    assert ids(client.get(INCIDENTS, {"priority": top})) == expected


@pytest.mark.parametrize("query", [{"state": "weg"}, {"priority": 9}, {"opened_after": "gisteren"}, {"subject": 0}])
def test_bad_filters_are_400_by_field(client_for, incidents, query):
    answer = client_for("carol").get(INCIDENTS, query)
    assert answer.status_code == 400
    assert set(answer.json()) == set(query)


def test_pages_of_fifty(client_for, feed):
    person = make_person()
    now = timezone.now()
    with transaction.atomic():
        for n in range(51):
            device = make_device(feed.vendor, person=person)
            open_incident(type=IncidentType.NO_GPS_FIX, at=now - timedelta(minutes=n), person=person, device=device)
    first = client_for("erin").get(INCIDENTS).json()

    assert (first["count"], len(first["results"])) == (51, 50)
    assert len(client_for("erin").get(first["next"]).json()["results"]) == 1


def test_detail_has_the_timeline_oldest_first_and_reads_are_audited(client_for, incidents):
    answer = client_for("carol").get(f"{INCIDENTS}{incidents['old']}/")

    assert answer.status_code == 200
    assert [(r["action"], r["to_state"]) for r in answer.json()["timeline"]] == [
        ("opened", "open"),
        ("closed", "closed"),
    ]
    entry = AuditEntry.objects.get(action="incident.api_retrieve")
    assert (entry.actor.username, entry.person_ids) == ("carol", [incidents["utrecht"]])


@pytest.mark.parametrize(("name", "status"), [("alice", 403), ("bob", 403), ("frank", 403), (None, 401)])
def test_only_the_monitoring_centre_reads_incidents(client_for, incidents, name, status):
    assert client_for(name).get(INCIDENTS).status_code == status
    assert client_for(name).get(f"{INCIDENTS}{incidents['old']}/").status_code == status


def test_vendor_key_is_no_login_for_incidents(feed, incidents):
    assert feed.client.get(INCIDENTS).status_code == 401
