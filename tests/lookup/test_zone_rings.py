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
