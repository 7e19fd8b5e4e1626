"""Polygon zones: holes, multipolygons, validation, and the distance error bound."""

import numpy as np
import pytest
from engine_helpers import T0, batch, distance_to_ring, place, star_polygon

from geofence.engine.errors import InvalidZone
from geofence.engine.evaluate import evaluate
from geofence.engine.index import ZoneIndex
from geofence.engine.verdicts import Verdict
from geofence.engine.zones import PolygonZone, validate_zone_geojson

SQUARE = [[5.00, 52.00], [5.10, 52.00], [5.10, 52.10], [5.00, 52.10], [5.00, 52.00]]
HOLE = [[5.04, 52.04], [5.04, 52.06], [5.06, 52.06], [5.06, 52.04], [5.04, 52.04]]


def run(geojson, lats, lons, accuracy=5.0, **kwargs):
    zone = PolygonZone(zone_id=1, subject_id=1, geojson=geojson, **kwargs)
    lats, lons = np.atleast_1d(lats), np.atleast_1d(lons)
    return evaluate(ZoneIndex([zone]), batch(1, T0 + 60.0 * np.arange(len(lats)), lats, lons, accuracy))


def test_fix_in_a_hole_is_outside_and_fix_in_the_ring_is_inside():
    result = run({"type": "Polygon", "coordinates": [SQUARE, HOLE]}, [52.05, 52.02], [5.05, 5.05])
    assert result.inside.tolist() == [False, True]
    assert result.verdict.tolist() == [Verdict.CLEAR, Verdict.DEFINITE]
    # The hole centre is about 0.01 deg of latitude (1.1 km) from the hole's edge.
    assert 600.0 < result.signed_distance_m[0] < 1200.0


def test_multipolygon_counts_every_part():
    far_square = [[lon + 0.3, lat] for lon, lat in SQUARE]
    geojson = {"type": "MultiPolygon", "coordinates": [[SQUARE], [far_square]]}
    result = run(geojson, [52.05, 52.05, 52.05], [5.05, 5.35, 5.2])
    assert result.inside.tolist() == [True, True, False]


def test_protected_point_gives_centre_distance_and_none_gives_nan():
    with_point = run({"type": "Polygon", "coordinates": [SQUARE]}, 52.05, 5.05, protected_lat=52.05, protected_lon=5.05)
    without = run({"type": "Polygon", "coordinates": [SQUARE]}, 52.05, 5.05)
    assert with_point.centre_distance_m[0] == pytest.approx(0.0, abs=1e-6)
    assert np.isnan(without.centre_distance_m[0])


@pytest.mark.parametrize(
    ("lat0", "lon0", "bound_m"),
    [(52.09, 5.12, 0.002), (53.30, 6.90, 0.002), (50.0, 10.0, 0.0002), (60.0, 10.0, 0.0002)],
)
def test_polygon_distance_is_within_its_stated_bound_of_the_geodesic(lat0, lon0, bound_m):
    # RD New near the Netherlands, a local equidistant projection elsewhere.
    ring = star_polygon(lat0, lon0, 300, 5000.0, seed=1)
    rng = np.random.default_rng(2)
    ends = np.array([place(lat0, lon0, rng.uniform(0, 360), rng.uniform(2000, 8000)) for _ in range(25)])
    result = run({"type": "Polygon", "coordinates": [ring]}, ends[:, 0], ends[:, 1])
    expected = np.array([distance_to_ring(lat, lon, ring) for lat, lon in ends])
    assert np.abs(np.abs(result.signed_distance_m) - expected).max() < bound_m


BOWTIE = [[5.0, 52.0], [5.1, 52.1], [5.1, 52.0], [5.0, 52.1], [5.0, 52.0]]


@pytest.mark.parametrize(
    ("geojson", "reason"),
    [
        ({"type": "Polygon", "coordinates": [BOWTIE]}, "Self-intersection"),
        ({"type": "Point", "coordinates": [5.0, 52.0]}, "Polygon or MultiPolygon"),
        ({"type": "Polygon", "coordinates": [SQUARE[:-1] + [[5.0, 52.05]]]}, "malformed"),
        ({"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.1, 52.0], [5.0, 52.0]]]}, "malformed"),
        ({"type": "Polygon", "coordinates": [[[-80, 40], [-79, 40], [-79, 41], [-80, 40]]]}, "supported area"),
        ({"type": "Polygon", "coordinates": []}, "empty"),
        ("{not json", "JSON"),
        ([1, 2], "GeoJSON object"),
    ],
)
def test_invalid_geojson_is_refused_with_a_reason(geojson, reason):
    with pytest.raises(InvalidZone, match=reason) as caught:
        validate_zone_geojson(geojson)
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == "geometry"


def test_feature_and_json_text_are_accepted():
    feature = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}
    assert validate_zone_geojson(feature).area > 0
    assert validate_zone_geojson('{"type": "Polygon", "coordinates": [[[5,52],[5.1,52],[5.1,52.1],[5,52]]]}').area > 0
