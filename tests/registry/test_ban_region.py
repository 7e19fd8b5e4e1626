"""A ban's monitoring region is chosen where the ban is registered, so its incidents reach that region's operators."""

from geofence.models import Incident, IncidentType
from geofence.monitor.models import BanRegion
from registry.models import Ban, HistoryEntry


def test_a_ban_registered_with_a_region_shows_its_incidents_to_that_regions_operator(client_for, users, ban_body):
    response = client_for("alice").post("/api/v1/bans/", ban_body(region="midden-nederland"), format="json")
    assert response.status_code == 201, response.json()
    ban = Ban.objects.get(pk=response.json()["id"])
    assert response.json()["region"] == "midden-nederland"
    assert BanRegion.objects.get(ban=ban).region == "midden-nederland"
    incident = Incident.objects.create(
        type=IncidentType.ZONE_VIOLATION, ban=ban, person=ban.person, opened_at=ban.valid_from, priority=1
    )
    assert list(Incident.objects.visible_to(users["carol"])) == [incident]  # carol works for midden-nederland


def test_changing_the_region_needs_a_reason_and_is_in_the_history(client_for, ban_body):
    ban_id = client_for("alice").post("/api/v1/bans/", ban_body(), format="json").json()["id"]
    assert client_for("alice").get(f"/api/v1/bans/{ban_id}/").json()["region"] == ""
    url = f"/api/v1/bans/{ban_id}/"
    assert client_for("alice").patch(url, {"region": "limburg"}, format="json").status_code == 400  # no reason
    response = client_for("alice").patch(url, {"region": "limburg", "reason": "woont in Venlo"}, format="json")
    assert response.status_code == 200 and response.json()["region"] == "limburg"
    assert BanRegion.objects.get(ban_id=ban_id).region == "limburg"
    entry = HistoryEntry.objects.filter(model="registry.ban", object_id=ban_id).latest("version")
    assert entry.changed_fields == ["region"] and entry.reason == "woont in Venlo"
    assert response.json()["version"] == 2


def test_an_unknown_region_is_refused_on_its_field(client_for, ban_body):
    response = client_for("alice").post("/api/v1/bans/", ban_body(region="gelderland"), format="json")
    assert response.status_code == 400 and "region" in response.json()
    assert not Ban.objects.exists()


def test_the_same_region_sent_again_is_no_change(client_for, ban_body):
    ban_id = client_for("alice").post("/api/v1/bans/", ban_body(region="limburg"), format="json").json()["id"]
    body = {"region": "limburg", "radius_m": 4000, "reason": "straal"}
    response = client_for("alice").patch(f"/api/v1/bans/{ban_id}/", body, format="json")
    assert response.status_code == 200 and response.json()["region"] == "limburg"
    entry = HistoryEntry.objects.filter(model="registry.ban", object_id=ban_id).latest("version")
    assert entry.changed_fields == ["radius_m"]
