"""Distances against GeographicLib: the series, the exact fallback, and the evaluator."""

import numpy as np
import pytest
from engine_helpers import T0, batch, place
from geographiclib.geodesic import Geodesic
from pyproj import Geod

from geofence.engine import geodesy
from geofence.engine.evaluate import evaluate
from geofence.engine.index import ZoneIndex
from geofence.engine.zones import CircleZone

RNG_SEED = 20260329


def _random_pairs(n: int, max_m: float, seed: int = RNG_SEED):
    rng = np.random.default_rng(seed)
    lat0, lon0 = rng.uniform(34.5, 71.5, n), rng.uniform(-24.5, 44.5, n)
    az, s = rng.uniform(-180.0, 180.0, n), rng.uniform(0.0, max_m, n)
    ends = np.array([place(a, b, c, d) for a, b, c, d in zip(lat0, lon0, az, s, strict=True)])
    return lat0, lon0, ends[:, 0], ends[:, 1]


def _geographiclib(lat0, lon0, lat, lon):
    return np.array([Geodesic.WGS84.Inverse(*p)["s12"] for p in zip(lat0, lon0, lat, lon, strict=True)])


@pytest.mark.parametrize("max_m", [7_000.0, 20_000.0, geodesy.SERIES_LIMIT_M])
def test_series_stays_within_its_stated_bound(max_m):
    lat0, lon0, lat, lon = _random_pairs(2000, max_m)
    target = geodesy.Frame(lat0, lon0)
    series = geodesy.series_distance(geodesy.Frame(lat, lon), target.x, target.y, target.z)
    error = np.abs(series - _geographiclib(lat0, lon0, lat, lon))
    assert error.max() < geodesy.SERIES_ERROR_BOUND_M / 4


def test_exact_distance_is_geographiclib():
    lat0, lon0, lat, lon = _random_pairs(500, 3_000_000.0)
    exact = geodesy.exact_distance(lat0, lon0, lat, lon)
    assert np.abs(exact - _geographiclib(lat0, lon0, lat, lon)).max() < 1e-6


def _evaluate_around_zones(n_zones: int, fixes_per_zone: int, max_m: float, seed: int):
    # Centres far enough inside the supported area that every fix stays in it.
    rng = np.random.default_rng(seed)
    lat0, lon0 = rng.uniform(40.0, 66.0, n_zones), rng.uniform(-15.0, 35.0, n_zones)
    zones = [CircleZone(zone_id=k, subject_id=k, lat=lat0[k], lon=lon0[k]) for k in range(n_zones)]
    subject = np.repeat(np.arange(n_zones), fixes_per_zone)
    az, s = rng.uniform(-180, 180, len(subject)), rng.uniform(0, max_m, len(subject))
    ends = np.array([place(lat0[k], lon0[k], a, d) for k, a, d in zip(subject, az, s, strict=True)])
    fixes = batch(subject, T0 + np.arange(len(subject)) * 600.0, ends[:, 0], ends[:, 1], 5.0)
    result = evaluate(ZoneIndex(zones), fixes)
    expected = _geographiclib(lat0[subject], lon0[subject], ends[:, 0], ends[:, 1])
    return result, expected


def test_distances_within_the_outermost_approach_distance_are_within_1_cm():
    result, expected = _evaluate_around_zones(100, 40, 7_000.0, seed=1)
    assert np.abs(result.centre_distance_m - expected).max() < 0.01
    assert np.abs(result.signed_distance_m - (expected - 5000.0)).max() < 0.01


def test_distances_far_out_are_within_1_m():
    result, expected = _evaluate_around_zones(50, 20, 500_000.0, seed=2)
    assert np.abs(result.centre_distance_m - expected).max() < 1.0


def test_pyproj_geod_agrees_with_geographiclib_on_the_same_fixes():
    lat0, lon0, lat, lon = _random_pairs(500, 7_000.0, seed=3)
    _, _, d = Geod(ellps="WGS84").inv(lon0, lat0, lon, lat)
    assert np.abs(d - _geographiclib(lat0, lon0, lat, lon)).max() < 1e-6
