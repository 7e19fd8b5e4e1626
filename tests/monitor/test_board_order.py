"""The board: highest priority first, then risk, certainty, distance and ETA; filters narrow it."""

from datetime import timedelta

import time_machine
from django.db.models import F
from django.test import Client
from django.utils import timezone

from geofence.models import Incident, IncidentType


def board_ids(client, query=""):
    response = client.get("/monitor/api/incidents/" + query)
    assert response.status_code == 200
    return [row["id"] for row in response.json()["incidents"]]


def test_priority_comes_first(browser_client, make_incident):
    low = make_incident(priority=4)
    high = make_incident(priority=1)
    mid = make_incident(priority=2)
    assert board_ids(browser_client("carol")) == [high.pk, mid.pk, low.pk]


def test_same_priority_orders_by_risk_then_certainty_then_distance(browser_client, make_incident, make_ban):
    medium_risk = make_incident(ban=make_ban(risk="medium"), priority=2)
    possible = make_incident(ban=make_ban(risk="high"), priority=2, definite=False)
    definite_far = make_incident(ban=make_ban(risk="high"), priority=2, eta_min=30)
    definite_near = make_incident(ban=make_ban(risk="high"), priority=2, eta_min=2)
    # The last two have the same fix, so the same distance: the sooner arrival goes first.
    assert board_ids(browser_client("carol")) == [definite_near.pk, definite_far.pk, possible.pk, medium_risk.pk]


def test_closed_incidents_leave_the_default_board(browser_client, make_incident):
    open_one = make_incident()
    closed = make_incident(state="closed", closed_at=timezone.now() + timedelta(seconds=1))
    client = browser_client("carol")
    assert board_ids(client) == [open_one.pk]
    assert board_ids(client, "?status=closed") == [closed.pk]


def test_filters_by_type_risk_and_region(browser_client, make_incident, make_ban):
    utrecht = make_incident(ban=make_ban(risk="high", region="midden-nederland"))
    limburg = make_incident(ban=make_ban(risk="low", region="limburg"), type=IncidentType.PRESENCE_VIOLATION)
    unknown = make_incident(ban=make_ban(risk="medium", region=None))
    client = browser_client("erin")  # a supervisor sees every region
    assert board_ids(client, "?type=presence_violation") == [limburg.pk]
    assert board_ids(client, "?risk=high") == [utrecht.pk]
    # Without a region an incident shows under every region filter, so the supervisor gives it one.
    assert set(board_ids(client, "?region=limburg")) == {limburg.pk, unknown.pk}
    # An operator of midden-nederland sees that region's incident only, whatever the filter.
    assert board_ids(browser_client("carol")) == [utrecht.pk]
    assert board_ids(browser_client("carol"), "?region=limburg") == []


def test_unchanged_board_answers_304_and_any_change_a_new_board(browser_client, make_incident, users):
    client = browser_client("carol")
    url = "/monitor/api/incidents/"
    with time_machine.travel(timezone.now(), tick=False):
        incident = make_incident()
        etag = client.get(url)["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

        Incident.objects.filter(pk=incident.pk).update(fix_count=F("fix_count") + 1)  # a fix inside the zone
        changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert changed.status_code == 200
        etag = changed["ETag"]

        act = f"/monitor/api/incidents/{incident.pk}/assign/"
        client.post(act, {"version": 1, "operator": users["carol"].pk}, content_type="application/json")
        changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert changed.json()["incidents"][0]["assigned_to"] == "carol"

        make_incident()
        changed = client.get(url, HTTP_IF_NONE_MATCH=changed["ETag"])
        assert len(changed.json()["incidents"]) == 2


def test_board_renders_again_after_the_refresh_interval(browser_client, make_incident):
    client = browser_client("carol")
    make_incident()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        etag = client.get("/monitor/api/incidents/")["ETag"]
        clock.shift(16)
        assert client.get("/monitor/api/incidents/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_board_row_has_distance_eta_and_region(browser_client, make_incident):
    incident = make_incident()
    row = browser_client("carol").get("/monitor/api/incidents/").json()["incidents"][0]
    assert row["id"] == incident.pk
    assert 1000 < row["distance_m"] < 1500  # the fix is about 1.2 km from the home
    assert row["eta_min"] == 4.0
    assert row["risk"] == "high" and row["certainty_label"] == "zeker"
    assert row["region_label"] == "Midden-Nederland"


def test_another_regions_changes_never_change_an_operators_board_etag(browser_client, make_incident, make_ban):
    """An operator must not learn from the ETag alone that something happened in a region not his."""
    from geofence.testing import give_region
    from registry.roles import Role
    from tests.conftest import make_user

    limburg_operator = make_user("lima", Role.MONITORING_OPERATOR)
    give_region(limburg_operator, "limburg")
    carol, lima, url = browser_client("carol"), Client(), "/monitor/api/incidents/"
    lima.force_login(limburg_operator)
    with time_machine.travel(timezone.now(), tick=False):
        mine = make_incident(ban=make_ban(region="midden-nederland"))
        theirs = make_incident(ban=make_ban(region="limburg"))
        carol_etag, lima_etag = carol.get(url)["ETag"], lima.get(url)["ETag"]
        assert carol_etag != lima_etag  # each region scope has its own statement and figures

        Incident.objects.filter(pk=theirs.pk).update(fix_count=F("fix_count") + 1, version=F("version") + 1)
        make_incident(ban=make_ban(region="limburg"))
        assert carol.get(url, HTTP_IF_NONE_MATCH=carol_etag).status_code == 304
        assert lima.get(url, HTTP_IF_NONE_MATCH=lima_etag).status_code == 200

        Incident.objects.filter(pk=mine.pk).update(fix_count=F("fix_count") + 1)
        assert carol.get(url, HTTP_IF_NONE_MATCH=carol_etag).status_code == 200
