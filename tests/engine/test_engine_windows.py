"""Weekly windows in Dutch local time, across the 2026 DST changes and midnight."""

from datetime import UTC, datetime

import numpy as np
import pytest
from engine_helpers import batch

from geofence.engine.errors import InvalidTimeWindow
from geofence.engine.evaluate import evaluate
from geofence.engine.index import ZoneIndex
from geofence.engine.verdicts import InactiveReason, Verdict
from geofence.engine.windows import WeeklyWindow, local_minute_of_week, windows_from_json
from geofence.engine.zones import CircleZone

NIGHTLY = (WeeklyWindow.parse("22:00-06:00"),)


def utc(*args):
    return datetime(*args, tzinfo=UTC).timestamp()


def active_at(windows, *instants):
    zone = CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0, windows=windows)
    result = evaluate(ZoneIndex([zone]), batch(1, np.array(instants), 52.0, 5.0, 1.0))
    assert (result.verdict[result.active] == Verdict.DEFINITE).all()
    assert (result.inactive_reason[~result.active] == InactiveReason.OUTSIDE_TIME_WINDOW).all()
    return result.active.tolist()


def test_nightly_window_follows_local_time_on_the_march_2026_change():
    # 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    instants = [utc(2026, 3, 28, 20, 59), utc(2026, 3, 28, 21, 0), utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 3, 59)]
    assert active_at(NIGHTLY, *instants, utc(2026, 3, 29, 4, 0)) == [False, True, True, True, False]


def test_nightly_window_follows_local_time_on_the_october_2026_change():
    # 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC.
    instants = [utc(2026, 10, 24, 19, 59), utc(2026, 10, 24, 20, 0), utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 4, 59)]
    assert active_at(NIGHTLY, *instants, utc(2026, 10, 25, 5, 0)) == [False, True, True, True, False]


@pytest.mark.parametrize(
    ("start", "stop", "hours"),
    [
        ((2026, 3, 28, 18), (2026, 3, 29, 8), 7),
        ((2026, 10, 24, 18), (2026, 10, 25, 8), 9),
        ((2026, 1, 10, 18), (2026, 1, 11, 8), 8),
    ],
)
def test_a_22_to_06_night_lasts_7_9_or_8_real_hours(start, stop, hours):
    minutes = np.arange(utc(*start), utc(*stop), 60.0)
    assert sum(active_at(NIGHTLY, *minutes)) == hours * 60


def test_window_crossing_midnight_belongs_to_its_start_day():
    friday_night = (WeeklyWindow.parse("22:00-06:00", "fri"),)
    saturday_5am, sunday_5am = utc(2026, 1, 10, 4, 0), utc(2026, 1, 11, 4, 0)
    assert active_at(friday_night, saturday_5am, sunday_5am) == [True, False]


def test_sunday_night_window_wraps_into_monday():
    sunday_night = (WeeklyWindow.parse("22:00-02:00", "sun"),)
    assert active_at(sunday_night, utc(2026, 1, 12, 0, 30), utc(2026, 1, 13, 0, 30)) == [True, False]


def test_local_minute_of_week_starts_on_monday_midnight():
    assert local_minute_of_week(np.array([utc(2026, 1, 4, 23, 0)])).tolist() == [0]
    assert local_minute_of_week(np.array([utc(2026, 7, 5, 22, 0)])).tolist() == [0]


def test_registry_json_windows_are_read():
    (window,) = windows_from_json([{"days": [4], "start": "22:00", "end": "06:00"}])
    assert window == WeeklyWindow.parse("22:00-06:00", "fri")


@pytest.mark.parametrize("span", ["25:00-06:00", "22:00", "22:00-6", "22:00:30-06:00"])
def test_malformed_window_times_are_refused(span):
    with pytest.raises(InvalidTimeWindow):
        WeeklyWindow.parse(span)


def test_malformed_window_days_are_refused():
    with pytest.raises(InvalidTimeWindow, match="day"):
        windows_from_json([{"days": [7], "start": "22:00", "end": "06:00"}])
