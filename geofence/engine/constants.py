"""Defaults of the geofence engine, each defined once."""

# The probation service's recommended radius for victim-related area bans.
DEFAULT_AREA_BAN_RADIUS_M = 5000.0

# Leaving a zone counts only this far beyond the boundary, so jitter does not flap.
DEFAULT_EXIT_MARGIN_M = 100.0

# ...and only after this many consecutive fixes beyond the margin (the "K").
DEFAULT_EXIT_FIXES = 3

# Graded approach warnings, outermost first; level n means within the n-th distance.
DEFAULT_APPROACH_DISTANCES_M = (2000.0, 1000.0)

# Faster than this between two fixes of one subject is not a person on the road.
DEFAULT_MAX_SPEED_MPS = 70.0

# A protected person's own fix older than this cannot centre a moving zone.
DEFAULT_PROTECTED_FIX_MAX_AGE_S = 300.0

# Closing speeds below this do not yield an arrival estimate (standing still, jitter).
MIN_CLOSING_SPEED_MPS = 0.5

# Where the engine's error bounds are proven; anything else is refused.
SUPPORTED_LAT_RANGE = (34.0, 72.0)
SUPPORTED_LON_RANGE = (-25.0, 45.0)
# A municipality's outline needs a few thousand vertices; more only slows every fix's test.
MAX_ZONE_VERTICES = 10_000

# Time windows are weekly, in Dutch local time.
LOCAL_TIMEZONE = "Europe/Amsterdam"

# Zones are RD New when their whole extent lies inside the RD area of use.
RD_NEW_EPSG = 28992
RD_NEW_LON_RANGE = (3.2, 7.3)
RD_NEW_LAT_RANGE = (50.7, 53.7)
