"""Dutch local time for dates and times given without a zone (files, filters, forms)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.dateparse import parse_date, parse_datetime

from geofence.engine.constants import LOCAL_TIMEZONE

LOCAL = ZoneInfo(LOCAL_TIMEZONE)
# Dates a registry entry can plausibly carry; year 1 or 9999 is a typo and overflows once moved to UTC.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def local_midnight(day: date) -> datetime:
    """Return 00:00 Europe/Amsterdam on the day, as an aware datetime (CET or CEST as it falls)."""
    return datetime.combine(day, time(0, 0), tzinfo=LOCAL)


def parse_instant(text: str, *, through_end_of_day: bool = False) -> datetime:
    """Return the instant a date or datetime text means in Dutch local time.

    A date is local midnight at its start, or with `through_end_of_day` the
    midnight that ends it ("tot en met"). A datetime without an offset is
    local time; one with an offset is taken as given. Raise ValueError.
    """
    text = (text or "").strip()
    day = parse_date(text) if len(text) == 10 else None
    moment = parse_datetime(text) if day is None else None
    if day is None and moment is None:
        raise ValueError(f"{text!r} is geen datum (JJJJ-MM-DD) of tijdstip (JJJJ-MM-DDTHH:MM)")
    if not EARLIEST_YEAR <= (day or moment).year <= LATEST_YEAR:
        raise ValueError(f"{text!r}: jaartal buiten {EARLIEST_YEAR}–{LATEST_YEAR}")
    if day is not None:
        return local_midnight(day + timedelta(days=1) if through_end_of_day else day)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LOCAL)
