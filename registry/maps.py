"""Small maps of zones and tracks for PDFs, drawn with reportlab graphics.

No tiles and no network: coordinates are projected onto a local plane (an
azimuthal equidistant projection centred on the map, in which distances from
the centre are true geodesic distances) and drawn as vector shapes with a
scale bar.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from pyproj import Transformer
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from shapely.geometry import shape

from registry.wording import distance_text

ZONE_FILL = colors.Color(0.85, 0.1, 0.1, alpha=0.18)
ZONE_STROKE = colors.Color(0.7, 0.05, 0.05)
TRACK_STROKE = colors.Color(0.1, 0.25, 0.75)
ACCURACY_FILL = colors.Color(0.1, 0.25, 0.75, alpha=0.08)
NICE_LENGTHS_M = (50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000)


@dataclass
class MapZone:
    """A circle (centre and radius) or GeoJSON polygon(s) in WGS84."""

    centre: tuple[float, float] | None = None  # (lat, lon)
    radius_m: float | None = None
    geojson: dict | None = None


@dataclass
class MapContent:
    zones: list[MapZone] = field(default_factory=list)
    track: list[tuple[float, float, float | None]] = field(default_factory=list)  # (lat, lon, accuracy_m)
    markers: list[tuple[float, float, str]] = field(default_factory=list)  # (lat, lon, label)


@lru_cache(maxsize=64)
def _transformer(lat0: float, lon0: float) -> Transformer:
    local = f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m +no_defs"
    return Transformer.from_crs("EPSG:4326", local, always_xy=True)


def polygon_rings(geojson: dict) -> list[list[tuple[float, float]]]:
    """Return the rings of a GeoJSON geometry, Feature or FeatureCollection as (lon, lat) lists."""
    if geojson.get("type") == "FeatureCollection":
        return [ring for feature in geojson.get("features", []) for ring in polygon_rings(feature)]
    if geojson.get("type") == "Feature":
        return polygon_rings(geojson["geometry"])
    geometry = shape(geojson)
    polygons = getattr(geometry, "geoms", [geometry])
    return [list(ring.coords) for p in polygons for ring in (p.exterior, *p.interiors)]


def map_centre(content: MapContent) -> tuple[float, float]:
    """Return a (lat, lon) centre for the projection: a zone centre, else the middle of all points."""
    for zone in content.zones:
        if zone.centre is not None:
            return zone.centre
    points = [(lat, lon) for lat, lon, _ in content.track] + [(lat, lon) for lat, lon, _ in content.markers]
    for zone in content.zones:
        points += [(lat, lon) for ring in polygon_rings(zone.geojson or {}) for lon, lat in ring]
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)


class _Frame:
    """Maps metres on the local plane to points on the drawing."""

    def __init__(self, bounds: tuple[float, float, float, float], width: float, height: float, margin: float):
        xmin, ymin, xmax, ymax = bounds
        span_x, span_y = max(xmax - xmin, 1.0), max(ymax - ymin, 1.0)
        self.scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
        self.x0 = width / 2 - (xmin + xmax) / 2 * self.scale
        self.y0 = height / 2 - (ymin + ymax) / 2 * self.scale

    def point(self, x: float, y: float) -> tuple[float, float]:
        return self.x0 + x * self.scale, self.y0 + y * self.scale


def draw_map(content: MapContent, width: float = 240, height: float = 180) -> Drawing:
    """Return a drawing of the zones, the track (with accuracy circles) and markers, with a scale bar."""
    lat0, lon0 = map_centre(content)
    to_local = _transformer(round(lat0, 6), round(lon0, 6))
    shapes = _project(content, to_local)
    frame = _Frame(_bounds(shapes), width, height, margin=14)
    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=colors.Color(0.97, 0.97, 0.95), strokeColor=colors.grey))
    _draw_zones(drawing, frame, shapes)
    _draw_track(drawing, frame, shapes)
    for x, y, label in shapes["markers"]:
        px, py = frame.point(x, y)
        drawing.add(Circle(px, py, 3, fillColor=colors.black, strokeColor=None))
        drawing.add(String(px + 5, py + 3, label, fontName="Helvetica", fontSize=7))
    _draw_scale_bar(drawing, frame, width)
    drawing.add(String(width - 14, height - 16, "N", fontName="Helvetica-Bold", fontSize=9, textAnchor="middle"))
    drawing.add(Line(width - 14, height - 34, width - 14, height - 19, strokeWidth=1.2))
    return drawing


def _project(content: MapContent, to_local: Transformer) -> dict:
    def xy(lat, lon):
        return to_local.transform(lon, lat)

    circles, rings = [], []
    for zone in content.zones:
        if zone.geojson:
            rings += [[to_local.transform(lon, lat) for lon, lat in ring] for ring in polygon_rings(zone.geojson)]
        elif zone.centre is not None and zone.radius_m:
            circles.append((*xy(*zone.centre), zone.radius_m))
    return {
        "circles": circles,
        "rings": rings,
        "track": [(*xy(lat, lon), acc) for lat, lon, acc in content.track],
        "markers": [(*xy(lat, lon), label) for lat, lon, label in content.markers],
    }


def _bounds(shapes: dict) -> tuple[float, float, float, float]:
    boxes = [(x - r, y - r, x + r, y + r) for x, y, r in shapes["circles"]]
    boxes += [(x, y, x, y) for ring in shapes["rings"] for x, y in ring]
    boxes += [(x - (a or 0), y - (a or 0), x + (a or 0), y + (a or 0)) for x, y, a in shapes["track"]]
    boxes += [(x, y, x, y) for x, y, _ in shapes["markers"]]
    if not boxes:
        return (-1000.0, -1000.0, 1000.0, 1000.0)
    xmin, ymin = min(b[0] for b in boxes), min(b[1] for b in boxes)
    xmax, ymax = max(b[2] for b in boxes), max(b[3] for b in boxes)
    pad = max(xmax - xmin, ymax - ymin, 200.0) * 0.08
    return (xmin - pad, ymin - pad, xmax + pad, ymax + pad)


def _draw_zones(drawing: Drawing, frame: _Frame, shapes: dict) -> None:
    for x, y, r in shapes["circles"]:
        px, py = frame.point(x, y)
        drawing.add(Circle(px, py, r * frame.scale, fillColor=ZONE_FILL, strokeColor=ZONE_STROKE, strokeWidth=1.2))
        drawing.add(Circle(px, py, 1.5, fillColor=ZONE_STROKE, strokeColor=None))
    for ring in shapes["rings"]:
        points = [c for x, y in ring for c in frame.point(x, y)]
        drawing.add(Polygon(points, fillColor=ZONE_FILL, strokeColor=ZONE_STROKE, strokeWidth=1.2))


def _draw_track(drawing: Drawing, frame: _Frame, shapes: dict) -> None:
    track = shapes["track"]
    for x, y, accuracy in track:
        if accuracy:
            px, py = frame.point(x, y)
            drawing.add(Circle(px, py, accuracy * frame.scale, fillColor=ACCURACY_FILL, strokeColor=None))
    if len(track) > 1:
        points = [c for x, y, _ in track for c in frame.point(x, y)]
        drawing.add(PolyLine(points, strokeColor=TRACK_STROKE, strokeWidth=1))
    for x, y, _ in track:
        px, py = frame.point(x, y)
        drawing.add(Circle(px, py, 1.6, fillColor=TRACK_STROKE, strokeColor=None))


def scale_bar_length_m(metres_across: float) -> int:
    """Return the longest round length that fits in a quarter of the map's width."""
    fitting = [n for n in NICE_LENGTHS_M if n <= metres_across / 4]
    return fitting[-1] if fitting else NICE_LENGTHS_M[0]


def _draw_scale_bar(drawing: Drawing, frame: _Frame, width: float) -> None:
    length_m = scale_bar_length_m(width / frame.scale)
    length_pt = length_m * frame.scale
    x, y = 10, 10
    drawing.add(Rect(x - 3, y - 4, length_pt + 6, 18, fillColor=colors.white, strokeColor=None))
    drawing.add(Line(x, y, x + length_pt, y, strokeWidth=2))
    drawing.add(Line(x, y - 2, x, y + 3))
    drawing.add(Line(x + length_pt, y - 2, x + length_pt, y + 3))
    drawing.add(
        String(x + length_pt / 2, y + 4, distance_text(length_m), fontName="Helvetica", fontSize=7, textAnchor="middle")
    )
