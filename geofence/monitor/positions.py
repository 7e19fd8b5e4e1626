"""Positions in words on the dashboard: coordinates to copy and the nearest place, many rows in one search."""

from geofence.places.nearest import nearest_places
from geofence.places.words import coordinates_text, place_text


def describe(points: list[tuple[float, float] | None]) -> list[dict | None]:
    """Return, per (lat, lon) or None, the position's fields: coordinates, their text, the nearest place."""
    known = [p for p in points if p is not None]
    places = iter(nearest_places([p[0] for p in known], [p[1] for p in known]))
    described = []
    for point in points:
        if point is None:
            described.append(None)
            continue
        place = next(places)
        described.append(
            {
                "lat": point[0],
                "lon": point[1],
                "coordinates": coordinates_text(*point),
                "place": place_text(place),
            }
        )
    return described


def annotate_positions(incidents) -> None:
    """Attach each incident's last position in words as `monitor_position` (None without a fix)."""
    points = [(i.last_fix.lat, i.last_fix.lon) if i.last_fix_id else None for i in incidents]
    for incident, position in zip(incidents, describe(points), strict=True):
        incident.monitor_position = position
