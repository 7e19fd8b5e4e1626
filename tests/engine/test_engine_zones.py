"""Moving zones, presence obligations, supported area, suspect speeds and arrival estimates."""

import numpy as np
import pytest
from engine_helpers import T0, batch, place

from geofence.engine.errors import InvalidFix, InvalidZone, UnsupportedArea
from geofence.engine.evaluate import PointFix, evaluate, evaluate_fix
from geofence.engine.index import ZoneIndex
from geofence.engine.verdicts import InactiveReason, Verdict
from geofence.engine.windows import WeeklyWindow
from geofence.engine.zones import CircleZone, Mode, MovingZone

VICTIM = 501
MOVING = MovingZone(zone_id=9, subject_id=3, protected_id=VICTIM, max_age_s=300.0)


def test_moving_zone_centres_on_the_protected_persons_recent_fix():
    lat, lon = place(52.3, 4.9, 45.0, 1200.0)
    (row,) = evaluate_fix(
        ZoneIndex([MOVING]), 3, T0, lat, lon, 5.0, protected_fixes={VICTIM: PointFix(T0 - 60, 52.3, 4.9, 5.0)}
    )
    assert row.active and row.verdict is Verdict.DEFINITE
    assert row.centre_distance_m == pytest.approx(1200.0, abs=1e-6)


def test_moving_zone_with_a_stale_protected_fix_is_inactive_and_says_why():
    stale = {VICTIM: PointFix(T0 - 301, 52.3, 4.9, 5.0)}
    (row,) = evaluate_fix(ZoneIndex([MOVING]), 3, T0, 52.3, 4.9, 5.0, protected_fixes=stale)
    assert not row.active
    assert row.inactive_reason is InactiveReason.NO_RECENT_PROTECTED_FIX
    assert row.verdict is Verdict.CLEAR and row.centre_distance_m is None


def test_moving_zone_without_any_protected_fix_is_inactive_and_says_why():
    (row,) = evaluate_fix(ZoneIndex([MOVING]), 3, T0, 52.3, 4.9, 5.0)
    assert row.inactive_reason is InactiveReason.NO_RECENT_PROTECTED_FIX


def test_moving_zone_adds_the_protected_fix_accuracy_to_the_verdict():
    lat, lon = place(52.3, 4.9, 0.0, 4980.0)
    victim = {VICTIM: PointFix(T0, 52.3, 4.9, 30.0)}
    (row,) = evaluate_fix(ZoneIndex([MOVING]), 3, T0, lat, lon, 5.0, protected_fixes=victim)
    assert row.verdict is Verdict.POSSIBLE


def test_presence_obligation_is_violated_outside_during_the_window():
    home = CircleZone(
        zone_id=4,
        subject_id=2,
        lat=52.0,
        lon=5.0,
        radius_m=100.0,
        mode=Mode.INCLUSION,
        windows=(WeeklyWindow.parse("22:00-06:00"),),
    )
    night, noon = T0 - 11 * 3600.0, T0  # Monday 02:00 local, Monday 13:00 local
    out_lat, out_lon = place(52.0, 5.0, 90.0, 500.0)
    fixes = batch(2, np.array([night, night + 60, noon]), [out_lat, 52.0, out_lat], [out_lon, 5.0, out_lon], 10.0)
    result = evaluate(ZoneIndex([home]), fixes)
    assert result.verdict.tolist() == [Verdict.DEFINITE, Verdict.CLEAR, Verdict.CLEAR]
    assert result.active.tolist() == [True, True, False]
    assert result.approach_level.tolist() == [0, 0, 0]


def test_presence_obligation_near_its_edge_is_possible():
    home = CircleZone(zone_id=4, subject_id=2, lat=52.0, lon=5.0, radius_m=100.0, mode=Mode.INCLUSION)
    lat, lon = place(52.0, 5.0, 10.0, 95.0)
    (row,) = evaluate_fix(ZoneIndex([home]), 2, T0, lat, lon, 10.0)
    assert row.verdict is Verdict.POSSIBLE


@pytest.mark.parametrize(("lat", "lon"), [(33.9, 5.0), (72.1, 5.0), (52.0, -25.5), (52.0, 45.1), (np.nan, 5.0)])
def test_fix_outside_the_supported_area_raises_naming_fix_and_coordinate(lat, lon):
    zone = CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0)
    fixes = batch(1, T0 + np.arange(3.0), [52.0, lat, 52.0], [5.0, lon, 5.0], 5.0)
    with pytest.raises(UnsupportedArea, match="fix 1 at lat=") as caught:
        evaluate(ZoneIndex([zone]), fixes)
    assert caught.value.index == 1


def test_zone_outside_the_supported_area_is_refused():
    with pytest.raises(InvalidZone, match="supported area"):
        CircleZone(zone_id=1, subject_id=1, lat=30.0, lon=5.0)


def test_negative_accuracy_is_refused_naming_the_fix():
    zone = CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0)
    with pytest.raises(InvalidFix, match="fix 0: accuracy_m"):
        evaluate(ZoneIndex([zone]), batch(1, T0, 52.0, 5.0, -1.0))


def test_duplicate_zone_ids_are_refused():
    zone = CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0)
    with pytest.raises(InvalidZone, match="unique"):
        ZoneIndex([zone, zone])


def test_impossible_speed_marks_the_fix_suspect_and_keeps_it():
    zone = CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0)
    far = place(52.0, 5.0, 0.0, 20_000.0)
    fixes = batch(1, T0 + np.array([0.0, 10.0, 70.0]), [52.0, far[0], 52.0], [5.0, far[1], 5.0], 10.0)
    result = evaluate(ZoneIndex([zone]), fixes)
    assert result.suspect.tolist() == [False, True, True]
    assert result.verdict.tolist() == [Verdict.DEFINITE, Verdict.CLEAR, Verdict.DEFINITE]


def test_jitter_within_the_accuracy_radius_is_not_suspect():
    zone = CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0)
    near = place(52.0, 5.0, 0.0, 90.0)
    fixes = batch(1, T0 + np.array([0.0, 1.0]), [52.0, near[0]], [5.0, near[1]], 50.0)
    assert not evaluate(ZoneIndex([zone]), fixes).suspect.any()


def test_speed_limit_is_configurable():
    zone = CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0)
    ahead = place(52.0, 5.0, 0.0, 600.0)
    fixes = batch(1, T0 + np.array([0.0, 10.0]), [52.0, ahead[0]], [5.0, ahead[1]], 0.0)
    assert evaluate(ZoneIndex([zone]), fixes, max_speed_mps=50.0).suspect.tolist() == [False, True]
    assert not evaluate(ZoneIndex([zone]), fixes, max_speed_mps=70.0).suspect.any()


def test_previous_fix_before_the_batch_feeds_speed_and_suspect():
    zone = CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0)
    (row,) = evaluate_fix(ZoneIndex([zone]), 1, T0, 52.0, 5.0, 5.0, previous_fix=PointFix(T0 - 5, 52.5, 5.0, 5.0))
    assert row.suspect and row.speed_mps > 10_000


@pytest.mark.parametrize("lat, lon", [(52.0, 5.0), (51.9563, 5.2187), (52.1471, 4.9032), (53.2011, 6.5669)])
def test_standing_still_since_the_fix_before_the_batch_has_no_speed_and_no_heading(lat, lon):
    # A fix at the place of the one before the batch has moved 0 m, as within one batch: both places become
    # cartesian points by the same arithmetic, so no rounding difference becomes a step with a heading.
    zone = CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0)
    (row,) = evaluate_fix(ZoneIndex([zone]), 1, T0, lat, lon, 5.0, previous_fix=PointFix(T0 - 60, lat, lon, 5.0))
    in_batch = evaluate(ZoneIndex([zone]), batch(1, T0 + np.array([-60.0, 0.0]), [lat] * 2, [lon] * 2, 5.0)).row(1)
    assert (row.speed_mps, row.heading_deg) == (in_batch.speed_mps, in_batch.heading_deg) == (0.0, None)


def test_approaching_subject_gets_speed_heading_and_minutes_to_the_centre():
    zone = CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0)
    a, b = place(52.0, 5.0, 90.0, 7000.0), place(52.0, 5.0, 90.0, 6400.0)  # heading west, 10 m/s
    fixes = batch(1, T0 + np.array([0.0, 60.0]), [a[0], b[0]], [a[1], b[1]], 5.0)
    row = evaluate(ZoneIndex([zone]), fixes).row(1)
    assert row.speed_mps == pytest.approx(10.0, rel=1e-3)
    assert row.heading_deg == pytest.approx(270.0, abs=0.1)
    assert row.eta_min == pytest.approx(6400.0 / 10.0 / 60.0, rel=1e-3)
    assert row.approach_level == 1


def test_subject_moving_away_or_standing_still_has_no_arrival_estimate():
    zone = CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0)
    a, b = place(52.0, 5.0, 90.0, 6400.0), place(52.0, 5.0, 90.0, 7000.0)
    fixes = batch(1, T0 + np.array([0.0, 60.0, 120.0]), [a[0], b[0], b[0]], [a[1], b[1], b[1]], 5.0)
    result = evaluate(ZoneIndex([zone]), fixes)
    assert np.isnan(result.eta_min).all()
    assert result.row(2).heading_deg is None


def test_subject_without_zones_yields_no_pairs():
    zone = CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0)
    assert len(evaluate(ZoneIndex([zone]), batch(2, T0, 52.0, 5.0, 5.0))) == 0
    assert len(evaluate(ZoneIndex([]), batch(2, T0, 52.0, 5.0, 5.0))) == 0


def test_subject_with_several_zones_gets_one_row_per_zone_in_index_order():
    zones = [CircleZone(zone_id=z, subject_id=1, lat=52.0 + z / 10, lon=5.0) for z in (3, 1, 2)]
    result = evaluate(ZoneIndex(zones), batch(1, T0 + np.arange(2.0), 52.0, 5.0, 5.0))
    assert result.fix_index.tolist() == [0, 0, 0, 1, 1, 1]
    assert result.zone_id.tolist() == [3, 1, 2, 3, 1, 2]
