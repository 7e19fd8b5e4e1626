"""Weekly time windows in Dutch local time, evaluated for many UTC instants at once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from .constants import LOCAL_TIMEZONE
from .errors import InvalidTimeWindow

MINUTES_PER_DAY = 1440
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
ALL_DAYS = (0, 1, 2, 3, 4, 5, 6)  # Monday is 0, as in datetime.weekday()
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True)
class WeeklyWindow:
    """A daily span of local wall-clock time on the given weekdays.

    `days` are the weekdays on which the window *starts* (Monday is 0). A
    window whose end is not after its start crosses midnight: 22:00-06:00 on
    Friday covers Friday night into Saturday morning. Equal start and end
    mean the whole 24 hours from the start. Minutes only: seconds are refused.
    """

    start: time
    end: time
    days: tuple[int, ...] = ALL_DAYS

    def __post_init__(self) -> None:
        if not self.days or any(d not in ALL_DAYS for d in self.days):
            raise InvalidTimeWindow(f"days must be 0 (Monday)..6, got {self.days!r}")
        for t in (self.start, self.end):
            if t.second or t.microsecond or t.tzinfo is not None:
                raise InvalidTimeWindow(f"{t} must be a naive local time in whole minutes")

    @classmethod
    def parse(cls, span: str, days: str = "mon-sun") -> WeeklyWindow:
        """Build a window from text such as "22:00-06:00" and "mon-fri" or "sat,sun"."""
        start, _, end = span.replace("–", "-").partition("-")
        return cls(_parse_hhmm(start.strip()), _parse_hhmm(end.strip()), _parse_days(days))

    def minutes(self) -> list[tuple[int, int]]:
        """Return [start, stop) minute-of-week spans, unwrapped past the week's end."""
        start = self.start.hour * 60 + self.start.minute
        length = (self.end.hour * 60 + self.end.minute - start) % MINUTES_PER_DAY
        length = length or MINUTES_PER_DAY
        return [(d * MINUTES_PER_DAY + start, d * MINUTES_PER_DAY + start + length) for d in self.days]


def _parse_hhmm(text: str) -> time:
    match = _HHMM.match(text)
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        raise InvalidTimeWindow(f"{text!r} is not a time HH:MM")
    hour, minute = int(match.group(1)), int(match.group(2))
    # 24:00 as an end is midnight; the span arithmetic wraps it for us.
    return time(hour % 24, minute)


def _parse_days(text: str) -> tuple[int, ...]:
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in _DAY_NAMES or (last and last not in _DAY_NAMES):
            raise InvalidTimeWindow(f"{part!r} is not a day or day range like mon-fri")
        i, j = _DAY_NAMES.index(first), _DAY_NAMES.index(last or first)
        days.update((i + k) % 7 for k in range((j - i) % 7 + 1))
    return tuple(sorted(days))


def window_bitmap(windows: tuple[WeeklyWindow, ...]) -> np.ndarray:
    """Return a bool array over the minutes of the week, True where any window is open."""
    open_ = np.zeros(MINUTES_PER_WEEK, dtype=bool)
    for window in windows:
        for start, stop in window.minutes():
            idx = np.arange(start, stop) % MINUTES_PER_WEEK
            open_[idx] = True
    return open_


def local_minute_of_week(t_unix: np.ndarray) -> np.ndarray:
    """Return local (Europe/Amsterdam) minute of week, Monday 00:00 = 0, for UTC seconds."""
    t = np.asarray(t_unix, dtype=np.float64)
    local = t + utc_offsets(t)
    minutes = np.floor(local / 60.0).astype(np.int64)
    # 1970-01-01 was a Thursday, weekday 3: shift so Monday 00:00 is minute 0.
    return (minutes + 3 * MINUTES_PER_DAY) % MINUTES_PER_WEEK


def utc_offsets(t_unix: np.ndarray) -> np.ndarray:
    """Return the local UTC offset in seconds at each UTC instant (DST included)."""
    t = np.asarray(t_unix, dtype=np.float64)
    if t.size == 0:
        return np.zeros(0)
    instants, offsets = offset_table(t)
    return offsets[np.searchsorted(instants, t, side="right") - 1]


def offset_table(t_unix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (instants, offsets) covering every time in `t_unix` (not empty): offsets[i] holds from instants[i]."""
    return _transitions(_year_of(float(np.min(t_unix))) - 1, _year_of(float(np.max(t_unix))) + 1)


def _year_of(t: float) -> int:
    return datetime.fromtimestamp(t, UTC).year


@lru_cache(maxsize=64)
def _transitions(first_year: int, last_year: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (instants, offsets): offset[i] holds from instants[i] on; read from zoneinfo."""
    instants = [-np.inf]
    offsets = [_offset(_epoch(first_year))]
    for year in range(first_year, last_year + 1):
        for instant, offset in _year_transitions(year):
            instants.append(instant)
            offsets.append(offset)
    return np.array(instants), np.array(offsets, dtype=np.float64)


@lru_cache(maxsize=256)
def _year_transitions(year: int) -> tuple[tuple[float, float], ...]:
    # Sample every six hours, then bisect each change down to the second.
    found = []
    t, stop = _epoch(year), _epoch(year + 1)
    before = _offset(t)
    while t < stop:
        after = _offset(t + 21600)
        if after != before:
            found.append((_bisect_change(t, t + 21600, before), after))
        t, before = t + 21600, after
    return tuple(found)


def _bisect_change(lo: int, hi: int, before: float) -> float:
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if _offset(mid) == before else (lo, mid)
    return float(hi)


def _epoch(year: int) -> int:
    return int(datetime(year, 1, 1, tzinfo=UTC).timestamp())


def _offset(t: int) -> float:
    moment = datetime.fromtimestamp(t, UTC).astimezone(_zone())
    offset = moment.utcoffset() or timedelta(0)
    return offset.total_seconds()


@lru_cache(maxsize=1)
def _zone() -> ZoneInfo:
    return ZoneInfo(LOCAL_TIMEZONE)


def windows_from_json(items: list[dict]) -> tuple[WeeklyWindow, ...]:
    """Build windows from the registry's JSON: [{"days": [0..6], "start": "22:00", "end": "06:00"}]."""
    windows = []
    for item in items:
        try:
            start, end = _parse_hhmm(str(item["start"])), _parse_hhmm(str(item["end"]))
            days = tuple(sorted({int(d) for d in item.get("days", ALL_DAYS)}))
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, InvalidTimeWindow):
                raise
            raise InvalidTimeWindow(f"{item!r} needs start, end (HH:MM) and days 0..6") from exc
        windows.append(WeeklyWindow(start, end, days))
    return tuple(windows)
