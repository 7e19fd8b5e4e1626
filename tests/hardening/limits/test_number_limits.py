"""NaN, Infinity and 1e999: Python's json reads them, the API must not. Coordinates stay in range."""

import json

import pytest
from django.utils import timezone

from geofence.models import Fix, QuarantinedItem

LITERALS = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"]


@pytest.mark.parametrize("literal", LITERALS)
@pytest.mark.parametrize("field", ["centre_lat", "centre_lon", "radius_m"])
def test_non_finite_number_in_a_ban_is_400_naming_the_field(post_raw, ban_body, literal, field):
    body = json.dumps(ban_body(**{field: 1.5})).replace(f'"{field}": 1.5', f'"{field}": {literal}')
    response = post_raw("/api/v1/bans/", body)
    assert response.status_code == 400
    assert field in response.json(), response.json()


@pytest.mark.parametrize("literal", LITERALS)
def test_non_finite_number_in_a_home_is_400(post_raw, literal):
    body = f'{{"given_names": "Ilse", "surname": "Oneindig", "home_lat": {literal}, "home_lon": 5.1}}'
    response = post_raw("/api/v1/protected-persons/", body)
    assert response.status_code == 400
    assert "home_lat" in response.json()


@pytest.mark.parametrize("literal", LITERALS)
def test_non_finite_number_deep_in_geojson_names_the_path(post_raw, ban_body, literal):
    ring = f"[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [{literal}, 52.1], [5.0, 52.0]]"
    body = json.dumps(ban_body(centre_lat=None, centre_lon=None, zone_shape="polygon", zone_geojson="RING"))
    body = body.replace('"RING"', f'{{"type": "Polygon", "coordinates": [{ring}]}}')
    response = post_raw("/api/v1/bans/", body)
    assert response.status_code == 400
    assert "zone_geojson.coordinates[0][3][0]" in response.json()["zone_geojson"][0]


@pytest.mark.parametrize(
    ("field", "value"), [("centre_lat", 90.5), ("centre_lat", -91), ("centre_lon", 181), ("centre_lon", -180.5)]
)
def test_coordinate_outside_wgs84_is_400(registrar, ban_body, field, value):
    response = registrar.post("/api/v1/bans/", ban_body(**{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(("field", "value"), [("home_lat", 95.0), ("home_lon", -200.0)])
def test_home_outside_wgs84_is_400(registrar, field, value):
    body = {"given_names": "Ilse", "surname": "Buitenland", "home_lat": 52.0, "home_lon": 5.0} | {field: value}
    response = registrar.post("/api/v1/protected-persons/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("literal", LITERALS)
def test_non_finite_fix_is_quarantined_not_stored(feed, device, literal):
    now = timezone.now().isoformat()
    body = f'{{"fixes": [{{"device": "EB-990001", "ts": "{now}", "lat": {literal}, "lon": 5.0, "accuracy_m": 5}}]}}'
    response = feed.client.generic("POST", "/api/v1/feeds/positions", body, content_type="application/json")
    assert response.status_code == 202
    assert response.json()["rejected"][0]["reason"] == "nan_or_infinite"
    assert not Fix.objects.exists()
    assert QuarantinedItem.objects.get().raw["lat"] in ("nan", "inf", "-inf")


@pytest.mark.parametrize(("field", "value"), [("lat", 90.01), ("lon", -180.01), ("accuracy_m", -1)])
def test_fix_out_of_range_is_quarantined(feed, device, field, value):
    item = {"device": "EB-990001", "ts": timezone.now().isoformat(), "lat": 52.0, "lon": 5.0, "accuracy_m": 5}
    response = feed.positions([item | {field: value}])
    assert response.json()["rejected"][0]["reason"] == "out_of_range"


@pytest.mark.parametrize("digits", ["1" + "0" * 24, "-9999999999999999999"])
def test_integer_beyond_64_bits_in_a_fix_is_kept_with_every_digit(feed, device, digits):
    # The feed decodes with orjson, which would read such an integer as a float: the evidence must keep it exact.
    now = timezone.now().isoformat()
    good = f'{{"device": "EB-990001", "ts": "{now}", "lat": 52.0, "lon": 5.0, "accuracy_m": 5}}'
    odd = f'{{"device": "EB-990001", "ts": "{now}", "lat": 52.0, "lon": 5.0, "accuracy_m": 5, "speed_mps": {digits}}}'
    body = f'{{"fixes": [{good}, {odd.replace(now, timezone.now().isoformat())}]}}'
    response = feed.client.generic("POST", "/api/v1/feeds/positions", body, content_type="application/json")
    assert response.status_code == 202
    assert response.json()["accepted"] == 1
    assert response.json()["rejected"][0]["reason"] == "out_of_range"
    assert QuarantinedItem.objects.get().raw["speed_mps"] == int(digits)


def test_number_with_thousands_of_digits_is_400(post_raw):
    response = post_raw("/api/v1/persons/", '{"given_names": "A", "surname": "B", "id": %s}' % ("9" * 5000))
    assert response.status_code == 400
