"""A position in words, in the active language: coordinates to copy and "2,3 km NO van Gouda"."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from registry.wording import distance_text

from .nearest import NearPlace

# Compass points as Dutch readers abbreviate them (O for oost, Z for zuid); English: N, NE, E, SE, S, SW, W, NW.
COMPASS_WORDS = {
    "N": gettext_noop("N"),
    "NE": gettext_noop("NO"),
    "E": gettext_noop("O"),
    "SE": gettext_noop("ZO"),
    "S": gettext_noop("Z"),
    "SW": gettext_noop("ZW"),
    "W": gettext_noop("W"),
    "NW": gettext_noop("NW"),
}
# Closer than this to a place's point a direction means nothing: the position is "bij" (at) the place.
AT_PLACE_M = 100.0


def coordinates_text(lat: float, lon: float) -> str:
    """Return "52.01667, 4.70833": decimal degrees, latitude first, 5 decimals (about a metre)."""
    return f"{lat:.5f}, {lon:.5f}"


def place_text(place: NearPlace | None) -> str:
    """Return "2,3 km NO van Gouda", "bij Gouda" within AT_PLACE_M, or "" without a place."""
    if place is None:
        return ""
    if place.distance_m < AT_PLACE_M:
        return _("bij %(place)s") % {"place": place.name}
    values = {"distance": distance_text(place.distance_m), "direction": _(COMPASS_WORDS[place.compass])}
    return _("%(distance)s %(direction)s van %(place)s") % (values | {"place": place.name})


def place_fields(place: NearPlace | None) -> dict | None:
    """Return the place as data and words: name, distance in metres, compass point (N, NE…), text; None without."""
    if place is None:
        return None
    return {
        "name": place.name,
        "distance_m": round(place.distance_m),
        "direction": place.compass,
        "text": place_text(place),
    }
