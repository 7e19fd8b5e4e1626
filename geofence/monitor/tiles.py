"""The maps' tile settings as the templates pass them to Leaflet (config/csp.py admits the same hosts)."""

from django.conf import settings

from config.csp import tile_subdomains


def tile_context() -> dict:
    """Return the tile URL, its {s} subdomains and attribution; an empty URL draws a plain background offline."""
    return {
        "tile_url": settings.MAP_TILE_URL,
        "tile_subdomains": ",".join(tile_subdomains()),
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
