"""Polygon zones: ring validity, vertex count and coordinates, each a 400 on zone_geojson."""

import math

import pytest

from geofence.engine.constants import MAX_ZONE_VERTICES

SQUARE = [[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1], [5.0, 52.0]]


def circle_ring(n: int) -> list[list[float]]:
    """Return a closed ring of n + 1 positions around Utrecht (about 1 km radius)."""
    ring = [
        [5.12 + 0.015 * math.cos(2 * math.pi * i / n), 52.09 + 0.009 * math.sin(2 * math.pi * i / n)] for i in range(n)
    ]
    return ring + [ring[0]]


def polygon(*rings) -> dict:
    return {"type": "Polygon", "coordinates": list(rings)}


@pytest.fixture
def post_zone(registrar, ban_body):
    def post(geojson):
        body = ban_body(centre_lat=None, centre_lon=None, zone_shape="polygon", zone_geojson=geojson)
        return registrar.post("/api/v1/bans/", body, format="json")

    return post


def test_valid_square_is_stored(post_zone):
    assert post_zone(polygon(SQUARE)).status_code == 201


@pytest.mark.parametrize(
    ("geojson", "text"),
    [
        (polygon([[5.0, 52.0], [5.1, 52.1], [5.1, 52.0], [5.0, 52.1], [5.0, 52.0]]), "Self-intersection"),
        (polygon(SQUARE[:-1]), "not closed"),
        (polygon(SQUARE[:3]), "at least 4 positions"),
        (polygon([]), "at least 4 positions"),
        (polygon([[5.0, 52.0], [5.1, 52.0], [5.2, 52.0], [5.0, 52.0]]), "polygon"),
        (polygon([[5.0, 52.0, 3.0], [5.1, 52.0, 3.0], [5.1, 52.1, 3.0], [5.0, 52.0, 3.0]]), "height"),
        (polygon([[500.0, 52.0], [5.1, 952.0], [5.1, 52.0], [500.0, 52.0]]), "outside"),
        (polygon([[-75.0, 40.7], [-74.0, 40.7], [-74.0, 40.8], [-75.0, 40.7]]), "outside the supported area"),
        (polygon([["5", "52"], ["5.1", "52"], ["5.1", "52.1"], ["5", "52"]]), "as numbers"),
        (polygon([[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [True, 52.0], [5.0, 52.0]]), "as numbers"),
        ({"type": "Point", "coordinates": [5.0, 52.0]}, "Polygon"),
        ({"type": "Polygon"}, "empty"),
        ("niet eens json", "JSON"),
        (polygon(circle_ring(MAX_ZONE_VERTICES)), "too many vertices"),
    ],
)
def test_bad_zone_is_400_on_zone_geojson(post_zone, geojson, text):
    response = post_zone(geojson)
    assert response.status_code == 400
    assert text in " ".join(response.json()["zone_geojson"]), response.json()


def test_zone_at_the_vertex_limit_is_stored(post_zone):
    assert post_zone(polygon(circle_ring(MAX_ZONE_VERTICES - 1))).status_code == 201


def test_vertex_limit_counts_every_ring_of_a_multipolygon(post_zone):
    ring = circle_ring(MAX_ZONE_VERTICES // 2)
    far = [[x + 0.1, y] for x, y in ring]
    response = post_zone({"type": "MultiPolygon", "coordinates": [[ring], [far]]})
    assert response.status_code == 400
    assert "too many vertices" in response.json()["zone_geojson"][0]


def test_deeply_nested_coordinates_are_400(post_raw, ban_body):
    import json

    body = json.dumps(ban_body(zone_shape="polygon", zone_geojson="DEEP", centre_lat=None, centre_lon=None))
    body = body.replace('"DEEP"', '{"type": "Polygon", "coordinates": %s}' % ("[" * 5000 + "]" * 5000))
    response = post_raw("/api/v1/bans/", body)
    assert response.status_code == 400
