"""The rings an officer's map draws for a circle zone: at their radii, the inner one inside the real zone."""

import pytest
from pyproj import Geod

from registry.lookup.zones import circle_polygon, circle_polygons, coarse_circle

GEOD = Geod(ellps="WGS84")
# Invented zone centres, from the south to the far north of the country.
HOMES = [(52.0800, 5.1300), (51.4400, 5.4800), (53.4400, 6.8300)]


def _distances(lat: float, lon: float, ring: list) -> list[float]:
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return list(GEOD.inv([lon] * len(ring), [lat] * len(ring), lons, lats)[2])


@pytest.mark.parametrize(("lat", "lon"), HOMES)
def test_coarse_rings_lie_at_their_radii_around_the_shown_centre(lat, lon):
    zone = coarse_circle(lat, lon, 5000.0)
    centre = zone["circle"]["centre"]
    outer, inner = (feature["geometry"]["coordinates"][0] for feature in zone["geojson"]["features"])
    assert [f["properties"]["role"] for f in zone["geojson"]["features"]] == ["outer_bound", "inner_bound"]
    # Six decimals of a degree are about 0.1 m; the radii in the answer are rounded to the metre.
    for ring, radius in ((outer, zone["outer_radius_m"]), (inner, zone["inner_radius_m"])):
        assert all(abs(d - radius) <= 1.0 for d in _distances(centre["lat"], centre["lon"], ring))


@pytest.mark.parametrize(("lat", "lon"), HOMES)
def test_inner_ring_is_inside_the_real_zone_and_outer_ring_outside_it(lat, lon):
    zone = coarse_circle(lat, lon, 5000.0)
    outer, inner = (feature["geometry"]["coordinates"][0] for feature in zone["geojson"]["features"])
    assert max(_distances(lat, lon, inner)) < 5000.0
    assert min(_distances(lat, lon, outer)) > 5000.0


def test_rings_of_one_centre_come_in_the_order_of_their_radii_and_a_zero_radius_draws_nothing():
    wide, none, narrow = circle_polygons(52.0, 5.0, (3000.0, 0.0, 1000.0))
    assert none == {"type": "Polygon", "coordinates": []}
    assert wide == circle_polygon(52.0, 5.0, 3000.0)
    assert narrow == circle_polygon(52.0, 5.0, 1000.0)
    ring = narrow["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 65
    assert all(abs(d - 1000.0) <= 0.5 for d in _distances(52.0, 5.0, ring))


@pytest.mark.parametrize(("lat", "lon"), [*HOMES, (52.0800, 179.99), (-33.9, -179.995), (0.0, 0.0)])
def test_a_circle_is_the_geodesic_circle_around_its_own_centre(lat, lon):
    # Circles are drawn from one shape per latitude, moved to their longitude: the same points as solving each.
    (ring,) = circle_polygon(lat, lon, 5000.0)["coordinates"]
    lons, lats, _back = GEOD.fwd([lon] * 64, [lat] * 64, [i * 360 / 64 for i in range(64)], [5000.0] * 64)
    for (got_lon, got_lat), want_lon, want_lat in zip(ring[:-1], lons, lats, strict=True):
        assert abs(got_lat - want_lat) <= 1e-6
        assert abs((got_lon - want_lon + 180) % 360 - 180) <= 1e-6
        assert -180 <= got_lon < 180


def test_cells_of_one_row_have_the_same_reach_and_their_own_centres():
    west = coarse_circle(52.0800, 5.1300, 5000.0)
    east = coarse_circle(52.0800, 5.9300, 5000.0)
    assert west["circle"]["centre"]["lat"] == east["circle"]["centre"]["lat"]
    assert west["circle"]["centre"]["lon"] < east["circle"]["centre"]["lon"]
    assert (west["inner_radius_m"], west["outer_radius_m"]) == (east["inner_radius_m"], east["outer_radius_m"])
