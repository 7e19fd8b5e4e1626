"""Constants for the OM report tests (a module, not conftest, so imports never pick another directory's)."""

from datetime import datetime
from zoneinfo import ZoneInfo

AMS = ZoneInfo("Europe/Amsterdam")
START = datetime(2026, 5, 12, 14, 0, tzinfo=AMS)
