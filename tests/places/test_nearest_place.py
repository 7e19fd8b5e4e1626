"""The nearest Dutch place: geodesic distance and compass direction from the bundled GeoNames list."""

import math

import numpy as np
import pytest
from django.utils import translation
from pyproj import Geod

from geofence.places.nearest import MAX_DISTANCE_M, Gazetteer, compass_point, dutch_places, nearest_place
from geofence.places.words import coordinates_text, place_text
from geofence.testing import offset

GEOD = Geod(ellps="WGS84")
GOUDA = (52.01667, 4.70833)


def place_named(name: str) -> tuple[float, float]:
    places = dutch_places()
    i = places.names.index(name)
    return float(places.lats[i]), float(places.lons[i])


@pytest.mark.parametrize(
    ("bearing", "point"), [(0, "N"), (22.4, "N"), (22.6, "NE"), (90, "E"), (180, "S"), (247.5, "W"), (337.6, "N")]
)
def test_bearings_round_to_the_nearest_of_eight_compass_points(bearing, point):
    assert compass_point(bearing) == point


def test_a_position_2300_m_north_east_of_urk_is_named_from_urk():
    where = offset(*place_named("Urk"), 2300, 45)

    place = nearest_place(*where)

    assert place.name == "Urk" and place.compass == "NE"
    assert place.distance_m == pytest.approx(2300, abs=0.5)
    with translation.override("nl"):
        assert place_text(place) == "2,3 km NO van Urk"


def test_the_list_is_dutch_with_dutch_names_and_ambiguous_names_get_their_municipality():
    places = dutch_places()
    assert len(places) > 600
    assert "Den Haag" in places.names and "The Hague" not in places.names
    assert "Gouda" in places.names and "Hengelo (Bronckhorst)" in places.names
    assert np.all((places.lats > 50.7) & (places.lats < 53.6) & (places.lons > 3.3) & (places.lons < 7.3))


def test_vectorised_search_agrees_with_measuring_every_place():
    rng = np.random.default_rng(5)
    lats, lons = rng.uniform(50.8, 53.4, 300), rng.uniform(3.5, 7.1, 300)
    places = dutch_places()

    found = places.nearest_many(lats, lons)

    for lat, lon, place in zip(lats, lons, found, strict=True):
        _, _, metres = GEOD.inv(places.lons, places.lats, np.full(len(places), lon), np.full(len(places), lat))
        best = float(np.min(metres))
        if best > MAX_DISTANCE_M:
            assert place is None
        else:
            assert place.distance_m == pytest.approx(best, abs=0.01)


def test_far_or_missing_positions_get_no_place():
    assert nearest_place(55.5, 3.0) is None  # the middle of the North Sea
    assert dutch_places().nearest_many([math.nan, GOUDA[0]], [4.7, GOUDA[1]])[0] is None


def test_a_one_place_gazetteer_and_the_words_next_to_a_place():
    only = Gazetteer(["Ergens"], [52.0], [5.0])
    with translation.override("nl"):
        assert place_text(only.nearest(52.0003, 5.0)) == "bij Ergens"
        assert place_text(only.nearest(*offset(52.0, 5.0, 750, 90))) == "750 m O van Ergens"
    assert coordinates_text(52.0166712, 4.7083349) == "52.01667, 4.70833"
