"""Officers learn that a zone exists and its rough shape, never who is protected or where they live."""

import json

import pytest
import time_machine
from pyproj import Geod

from geofence.monitor.models import BanRegion
from geofence.testing import REGION
from registry.models import BanKind, ZoneShape
from tests.lookup.conftest import NOW

URL = "/api/v1/lookup"
GEOD = Geod(ellps="WGS84")
# Values of the victim that must never reach an officer, in any form.
SECRETS = ["Roosmarijn", "Zwaluwstaart", "06-99999999", "voorbeeld.invalid", "Denkbeeldlaan", "9999 ZZ", "Verzinsel"]
HOME = (51.9244, 4.4777)


@pytest.fixture
def banned(registry):
    person = registry.person("Dirkje", "Vlietstra")
    victim = registry.victim()
    contact = registry.ban(person, BanKind.CONTACT)
    area = registry.ban(
        person, BanKind.AREA, centre_lat=HOME[0], centre_lon=HOME[1], zone_description="5 km rond Denkbeeldlaan 17"
    )
    contact.protected_persons.add(victim)
    area.protected_persons.add(victim)
    return person, victim, area


def lookup_text(client) -> str:
    with time_machine.travel(NOW):
        response = client.get(URL, {"q": "Vlietstra"})
    assert response.status_code == 200
    return response.content.decode()


def test_officer_body_holds_no_protected_person_name_contact_or_address(client_for, banned):
    text = lookup_text(client_for("bob"))
    for secret in SECRETS:
        assert secret not in text
    assert "protected_persons" not in json.loads(text)["results"][0]["bans"][0]


def test_officer_body_holds_no_exact_home_coordinates(client_for, banned):
    text = lookup_text(client_for("bob"))
    assert "51.9244" not in text and "4.4777" not in text


def test_officer_still_learns_how_many_persons_are_protected(client_for, banned):
    ban = json.loads(lookup_text(client_for("bob")))["results"][0]["bans"][0]
    assert ban["protected_person_count"] == 1


def test_officer_zone_bounds_contain_the_real_circle(client_for, banned):
    bans = json.loads(lookup_text(client_for("bob")))["results"][0]["bans"]
    zone = next(b["zone"] for b in bans if b["kind"] == "area")
    assert zone["precision"] == "coarse"
    centre = zone["circle"]["centre"]
    offset = GEOD.inv(centre["lon"], centre["lat"], HOME[1], HOME[0])[2]
    assert offset > 0
    # Real zone = 5 km around HOME: the outer circle holds it, the inner circle lies within it.
    assert offset + 5000 <= zone["outer_radius_m"]
    assert zone["inner_radius_m"] + offset <= 5000


def test_registrar_sees_the_protected_person_and_exact_zone(client_for, banned):
    text = lookup_text(client_for("alice"))
    assert "Zwaluwstaart" in text and "Denkbeeldlaan 17" in text
    bans = json.loads(text)["results"][0]["bans"]
    zone = next(b["zone"] for b in bans if b["kind"] == "area")
    assert zone["precision"] == "exact"
    assert zone["circle"]["centre"] == {"lat": HOME[0], "lon": HOME[1]}


@pytest.mark.parametrize("name", ["alice", "erin"])
def test_registrar_and_supervisor_see_protected_persons(client_for, banned, name):
    assert "Zwaluwstaart" in lookup_text(client_for(name))


def test_operator_sees_the_person_of_their_region_but_not_the_protected_person(client_for, banned):
    person, _victim, area = banned
    BanRegion.objects.create(ban=area, region=REGION)
    text = lookup_text(client_for("carol"))
    assert person.surname in text
    assert "Zwaluwstaart" not in text and "Denkbeeldlaan" not in text


def test_officer_is_refused_the_protected_persons_endpoint(client_for, banned):
    _person, _victim, area = banned
    response = client_for("bob").get(f"/api/v1/lookup/bans/{area.pk}/protected-persons")
    assert response.status_code == 403
    assert "Denkbeeldlaan" not in response.content.decode()


def test_operator_is_refused_the_protected_persons_endpoint(client_for, banned):
    # An operator sees a victim only through an incident of their regions (geofence/monitor/casework.py).
    _person, _victim, area = banned
    BanRegion.objects.create(ban=area, region=REGION)
    response = client_for("carol").get(f"/api/v1/lookup/bans/{area.pk}/protected-persons")
    assert response.status_code == 403


def test_registrar_gets_the_protected_persons_endpoint(client_for, banned):
    _person, victim, area = banned
    response = client_for("alice").get(f"/api/v1/lookup/bans/{area.pk}/protected-persons")
    assert response.status_code == 200
    assert response.json()[0]["street"] == victim.street


def test_presence_zone_stays_exact_for_officers(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra")
    registry.ban(person, BanKind.PRESENCE, zone_shape=ZoneShape.CIRCLE, centre_lat=52.1, centre_lon=5.1, radius_m=100)
    ban = json.loads(lookup_text(client_for("bob")))["results"][0]["bans"][0]
    assert ban["zone"]["precision"] == "exact"


def test_small_polygon_is_shown_to_officers_as_an_outer_box(client_for, registry):
    person = registry.person("Dirkje", "Vlietstra")
    square = [[4.47, 51.92], [4.48, 51.92], [4.48, 51.925], [4.47, 51.925], [4.47, 51.92]]
    polygon = {"type": "Polygon", "coordinates": [square]}
    registry.ban(person, BanKind.AREA, zone_shape=ZoneShape.POLYGON, zone_geojson=polygon)
    text = lookup_text(client_for("bob"))
    zone = json.loads(text)["results"][0]["bans"][0]["zone"]
    assert zone["precision"] == "coarse"
    ring = zone["geojson"]["geometry"]["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    assert "51.925" not in text
    assert min(lons) <= 4.47 and max(lons) >= 4.48 and min(lats) <= 51.92 and max(lats) >= 51.925
