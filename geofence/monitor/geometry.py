"""Where the protected location is, and how far the last fix is from it (geodesic, WGS84)."""

from pyproj import Geod

from registry.models import ZoneShape

_WGS84 = Geod(ellps="WGS84")


def protected_location(incident) -> tuple[float, float] | None:
    """Return (lat, lon) of the protected location: the victim's home, else the centre of the circular zone."""
    victim = incident.protected_person
    if victim is not None and victim.home_lat is not None and victim.home_lon is not None:
        return victim.home_lat, victim.home_lon
    ban = incident.ban
    if ban is not None and ban.zone_shape == ZoneShape.CIRCLE and ban.centre_lat is not None:
        return ban.centre_lat, ban.centre_lon
    return None


def distance_to_protected_m(incident) -> float | None:
    """Return the geodesic distance from the incident's last fix to the protected location, else the closest seen."""
    target = protected_location(incident)
    fix = incident.last_fix
    if target is None or fix is None:
        return incident.closest_distance_m
    _, _, metres = _WGS84.inv(fix.lon, fix.lat, target[1], target[0])
    return float(metres)
