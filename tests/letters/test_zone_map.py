"""The letter's zone map: true to scale on a local plane, with a scale bar."""

import pytest
from geographiclib.geodesic import Geodesic
from reportlab.graphics.shapes import Circle, Polygon, PolyLine, String

from registry.maps import MapContent, MapZone, draw_map, scale_bar_length_m


def shapes_of(drawing, kind):
    return [s for s in drawing.contents if isinstance(s, kind)]


def test_circle_radius_matches_the_scale_bar():
    drawing = draw_map(MapContent(zones=[MapZone(centre=(52.09, 5.12), radius_m=5000)]), width=240, height=180)
    zone = max(shapes_of(drawing, Circle), key=lambda c: c.r)
    label = next(s.text for s in shapes_of(drawing, String) if s.text.endswith("km") or s.text.endswith(" m"))
    bar = next(line for line in drawing.contents if getattr(line, "strokeWidth", 0) == 2)
    points_per_metre = (bar.x2 - bar.x1) / (float(label.split()[0]) * (1000 if label.endswith("km") else 1))
    assert zone.r == pytest.approx(5000 * points_per_metre)


def test_polygon_sides_keep_their_true_proportions():
    square = {"type": "Polygon", "coordinates": [[[5.10, 52.08], [5.14, 52.08], [5.14, 52.10], [5.10, 52.10]]]}
    (polygon,) = shapes_of(draw_map(MapContent(zones=[MapZone(geojson=square)])), Polygon)
    x, y = polygon.points[0::2], polygon.points[1::2]
    east_west = Geodesic.WGS84.Inverse(52.08, 5.10, 52.08, 5.14)["s12"]
    south_north = Geodesic.WGS84.Inverse(52.08, 5.14, 52.10, 5.14)["s12"]
    assert (x[1] - x[0]) / (y[2] - y[1]) == pytest.approx(east_west / south_north, rel=1e-3)


def test_track_is_drawn_as_a_line_through_its_fixes():
    track = [(52.10, 5.10, 20.0), (52.11, 5.11, 35.0), (52.12, 5.12, None)]
    drawing = draw_map(MapContent(zones=[MapZone(centre=(52.09, 5.12), radius_m=5000)], track=track))
    (line,) = shapes_of(drawing, PolyLine)
    assert len(line.points) == 6


@pytest.mark.parametrize("across, expected", [(20000, 5000), (12000, 2000), (3000, 500), (100, 50)])
def test_scale_bar_is_a_round_length_within_a_quarter_of_the_map(across, expected):
    assert scale_bar_length_m(across) == expected
