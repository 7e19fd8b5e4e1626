"""Trajectories: plausible speeds, no jumps, noise that grows with poor accuracy, outages and uploads."""

import numpy as np
import pytest

from seeds.trajectories import (
    CYCLING,
    DRIVING,
    WALKING,
    AccuracyModel,
    Leg,
    Point,
    add_gps_noise,
    distance_m,
    point_at,
    simulate,
    upload,
)

START = (52.0900, 5.1200)


def straight(mode, length_m=3000.0):
    return Leg(mode, (START, point_at(START, 45.0, length_m)))


def speeds(points):
    """Return the speed between consecutive points, from distance over time."""
    return np.array(
        [distance_m((a.lat, a.lon), (b.lat, b.lon)) / (b.t - a.t) for a, b in zip(points, points[1:], strict=False)]
    )


@pytest.mark.parametrize(
    ("mode", "low", "high", "ceiling"),
    [(WALKING, 1.1, 1.7, 2.5), (CYCLING, 3.5, 5.5, 8.0), (DRIVING, 10.0, 15.0, 22.0)],
)
def test_speed_profile_is_plausible_for_the_mode(mode, low, high, ceiling):
    points = simulate([straight(mode, 6000.0)], interval_s=10.0, rng=np.random.default_rng(1))
    v = speeds(points)
    assert low <= np.median(v) <= high
    assert v.max() <= ceiling


def test_reported_speed_follows_the_distance_travelled():
    points = simulate([straight(CYCLING)], interval_s=1.0, rng=np.random.default_rng(2))
    measured = speeds(points)
    reported = np.array([p.speed_mps for p in points[1:]])
    assert np.abs(measured - reported).max() < 0.05


def test_path_starts_at_the_first_waypoint_and_stops_at_the_last():
    leg = straight(WALKING, 500.0)
    points = simulate([leg], interval_s=5.0, rng=np.random.default_rng(3))
    assert distance_m((points[0].lat, points[0].lon), leg.waypoints[0]) < 0.01
    assert distance_m((points[-1].lat, points[-1].lon), leg.waypoints[-1]) < 1.0
    assert points[-1].speed_mps < np.median([p.speed_mps for p in points])


def test_person_slows_down_for_a_sharp_turn():
    corner = point_at(START, 90.0, 1500.0)
    leg = Leg(DRIVING, (START, corner, point_at(corner, 180.0, 1500.0)))
    points = simulate([leg], interval_s=1.0, rng=np.random.default_rng(4))
    at_corner = min(points, key=lambda p: distance_m((p.lat, p.lon), corner))
    cruising = np.median([p.speed_mps for p in points])
    assert at_corner.speed_mps < 0.6 * cruising


def test_a_pause_stands_still_and_the_next_leg_starts_where_it_ended():
    walk = Leg(WALKING, (START, point_at(START, 0.0, 200.0)), pause_s=60.0)
    ride = Leg(CYCLING, (point_at(START, 0.0, 260.0), point_at(START, 0.0, 1000.0)))
    points = simulate([walk, ride], interval_s=5.0, rng=np.random.default_rng(5))
    v = speeds(points)
    assert (v < 0.01).sum() >= 10  # standing still for a minute
    assert v.max() <= 8.0  # no jump across the 60 m gap between the legs


def stationary(n, every_s=60.0):
    return [Point(i * every_s, START[0], START[1], 0.0, 0.0) for i in range(n)]


def errors_m(fixes):
    return np.array([distance_m((f.lat, f.lon), (f.true_lat, f.true_lon)) for f in fixes])


def test_noise_grows_with_poor_accuracy():
    points = stationary(2000)
    good = errors_m(add_gps_noise(points, rng=np.random.default_rng(6), accuracy=[5.0] * 2000))
    poor = errors_m(add_gps_noise(points, rng=np.random.default_rng(6), accuracy=[50.0] * 2000))
    assert 8.0 < np.sqrt(np.mean(poor**2)) / np.sqrt(np.mean(good**2)) < 12.0


@pytest.mark.parametrize("accuracy", [5.0, 20.0, 80.0])
def test_about_68_percent_of_fixes_lie_within_their_accuracy(accuracy):
    points = stationary(3000)
    fixes = add_gps_noise(points, rng=np.random.default_rng(7), accuracy=[accuracy] * 3000, correlation_s=1.0)
    share = np.mean(errors_m(fixes) <= accuracy)
    assert 0.64 < share < 0.72


def test_errors_drift_rather_than_jump_between_close_fixes():
    points = stationary(2000, every_s=1.0)
    fixes = add_gps_noise(points, rng=np.random.default_rng(8), accuracy=[20.0] * 2000, correlation_s=30.0)
    steps = [distance_m((a.lat, a.lon), (b.lat, b.lon)) for a, b in zip(fixes, fixes[1:], strict=False)]
    assert np.median(steps) < 0.3 * np.median(errors_m(fixes))


def test_accuracy_model_has_good_fixes_and_poor_spells():
    series = AccuracyModel(good_m=6.0, poor_m=45.0).series(5000, np.random.default_rng(9))
    assert np.median(series) < 10.0
    assert 0.05 < np.mean(series > 25.0) < 0.4


def fixes_every(every_s, until_s):
    return add_gps_noise(stationary(int(until_s / every_s), every_s), rng=np.random.default_rng(10))


def test_store_and_forward_sends_outage_fixes_after_the_outage():
    batches = upload(fixes_every(10.0, 600.0), every_s=30.0, outages=[(100.0, 200.0)])
    assert all(not (100.0 <= b.send_t < 200.0) for b in batches)
    assert sum(len(b.fixes) for b in batches) == 60
    forwarded = [f for b in batches for f in b.fixes if 100.0 <= f.t < 200.0]
    assert forwarded and all(b.send_t >= 200.0 for b in batches if set(b.fixes) & set(forwarded))


def test_without_store_and_forward_outage_fixes_are_lost():
    batches = upload(fixes_every(10.0, 600.0), every_s=30.0, outages=[(100.0, 200.0)], store_and_forward=False)
    assert not [f for b in batches for f in b.fixes if 100.0 <= f.t < 200.0]


def test_late_batches_arrive_after_newer_ones_and_duplicates_repeat_a_batch():
    batches = upload(
        fixes_every(10.0, 3000.0), every_s=30.0, late_probability=0.2, late_by_s=90.0,
        duplicate_probability=0.2, rng=np.random.default_rng(11),
    )  # fmt: skip
    late = [b for b in batches if b.late and not b.duplicate]
    overtaken = [
        batch for batch in late if any(b.send_t < batch.send_t for b in batches if b.fixes[0].t > batch.fixes[-1].t)
    ]
    assert len(late) >= 5
    assert len(overtaken) >= len(late) - 1  # only a late last batch has nothing newer to overtake it
    for dup in (b for b in batches if b.duplicate):
        assert any(b.fixes == dup.fixes and not b.duplicate for b in batches)


def test_same_seed_gives_the_same_trajectory():
    def run(seed):
        points = simulate([straight(DRIVING)], interval_s=10.0, rng=np.random.default_rng(seed))
        return add_gps_noise(points, rng=np.random.default_rng(seed))

    assert run(12) == run(12)
    assert run(12) != run(13)
