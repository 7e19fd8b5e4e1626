"""Defaults of the geofence engine, each defined once."""

# The probation service's recommended radius for victim-related area bans.
DEFAULT_AREA_BAN_RADIUS_M = 5000.0
