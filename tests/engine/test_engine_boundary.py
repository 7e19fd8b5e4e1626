"""Circle boundaries: a fix just inside is inside, just outside is outside, everywhere."""

import numpy as np
import pytest
from engine_helpers import NL_CENTRES, T0, batch, place, truth

from geofence.engine.evaluate import evaluate
from geofence.engine.index import ZoneIndex
from geofence.engine.verdicts import Verdict
from geofence.engine.zones import CircleZone

CENTRES = [*NL_CENTRES, (50.0, 10.0), (60.0, 10.0), (60.0, -20.0), (71.5, 25.0), (35.0, 33.0)]
AZIMUTHS = np.arange(0.0, 360.0, 7.5)


def _ring(distance_m: float, accuracy_m: float = 0.0):
    zones, lats, lons, subjects = [], [], [], []
    for k, (lat, lon) in enumerate(CENTRES):
        zones.append(CircleZone(zone_id=k, subject_id=k, lat=lat, lon=lon))
        for az in AZIMUTHS:
            plat, plon = place(lat, lon, az, distance_m)
            lats.append(plat)
            lons.append(plon)
            subjects.append(k)
    fixes = batch(np.array(subjects), T0 + np.arange(len(lats)) * 60.0, np.array(lats), np.array(lons), accuracy_m)
    return evaluate(ZoneIndex(zones), fixes), fixes


@pytest.mark.parametrize("distance_m", [4999.0, 4999.5, 4999.999])
def test_fix_just_inside_5_km_is_inside(distance_m):
    result, _ = _ring(distance_m)
    assert result.inside.all()
    assert (result.verdict == Verdict.DEFINITE).all()


@pytest.mark.parametrize("distance_m", [5001.0, 5000.5, 5000.001])
def test_fix_just_outside_5_km_is_outside_and_clear(distance_m):
    result, _ = _ring(distance_m)
    assert not result.inside.any()
    assert (result.verdict == Verdict.CLEAR).all()


def test_distances_at_the_boundary_equal_geographiclib():
    result, fixes = _ring(5000.0)
    for i in range(0, len(result), 7):
        lat, lon = CENTRES[int(fixes.subject_id[i])]
        expected = truth(lat, lon, fixes.lat[i], fixes.lon[i])
        assert result.centre_distance_m[i] == pytest.approx(expected, abs=1e-6)


def test_within_a_tenth_of_a_millimetre_the_verdict_follows_geographiclib():
    # Placed 0.05 mm either side: only the exact recheck can tell these apart.
    for offset in (-5e-5, 5e-5):
        result, fixes = _ring(5000.0 + offset)
        for i in range(len(result)):
            lat, lon = CENTRES[int(fixes.subject_id[i])]
            assert result.inside[i] == (truth(lat, lon, fixes.lat[i], fixes.lon[i]) <= 5000.0)


def test_accuracy_inside_the_boundary_makes_a_fix_definite():
    result, _ = _ring(4990.0, accuracy_m=5.0)
    assert (result.verdict == Verdict.DEFINITE).all()


def test_accuracy_reaching_over_the_boundary_makes_an_inside_fix_possible():
    result, _ = _ring(4990.0, accuracy_m=15.0)
    assert result.inside.all()
    assert (result.verdict == Verdict.POSSIBLE).all()


def test_accuracy_reaching_into_the_zone_makes_an_outside_fix_possible():
    result, _ = _ring(5010.0, accuracy_m=15.0)
    assert not result.inside.any()
    assert (result.verdict == Verdict.POSSIBLE).all()


def test_accuracy_short_of_the_zone_leaves_an_outside_fix_clear():
    result, _ = _ring(5010.0, accuracy_m=5.0)
    assert (result.verdict == Verdict.CLEAR).all()


def test_zone_default_radius_is_five_km():
    assert CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0).radius_m == 5000.0
