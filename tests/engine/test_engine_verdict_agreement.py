"""Verdicts equal those computed from GeographicLib distances, even right at each threshold."""

import numpy as np
from engine_helpers import NL_CENTRES, T0, batch, place
from pyproj import Geod

from geofence.engine.evaluate import evaluate
from geofence.engine.index import ZoneIndex
from geofence.engine.verdicts import approach_levels, beyond_exit_margin, verdicts
from geofence.engine.zones import CircleZone


def test_fixes_within_a_millimetre_of_every_threshold_get_geographiclib_verdicts():
    rng = np.random.default_rng(7)
    zones = [CircleZone(zone_id=k, subject_id=k, lat=lat, lon=lon) for k, (lat, lon) in enumerate(NL_CENTRES)]
    accuracy = rng.choice([0.0, 3.0, 12.5, 40.0], 3000)
    base = rng.choice([0.0, 1.0, -1.0, 100.0, 1000.0, 2000.0], 3000)
    # Thresholds: boundary, boundary -/+ accuracy, exit margin, approach distances.
    signed = np.where(np.abs(base) == 1.0, base * accuracy, base) + rng.uniform(-1e-3, 1e-3, 3000)
    subject = rng.integers(0, len(zones), 3000)
    ends = np.array(
        [place(*NL_CENTRES[k], rng.uniform(0, 360), 5000.0 + s) for k, s in zip(subject, signed, strict=True)]
    )
    fixes = batch(subject, T0 + np.arange(3000.0), ends[:, 0], ends[:, 1], accuracy)
    index = ZoneIndex(zones)
    result = evaluate(index, fixes)
    centre_lat, centre_lon = np.array(NL_CENTRES).T
    _, _, d = Geod(ellps="WGS84").inv(fixes.lon, fixes.lat, centre_lon[subject], centre_lat[subject])
    true_signed = d - 5000.0
    no_inclusion = np.zeros(3000, dtype=bool)
    assert (result.inside == (true_signed <= 0)).all()
    assert (result.verdict == verdicts(true_signed, accuracy, no_inclusion)).all()
    assert (result.approach_level == approach_levels(true_signed, index.approach[subject], no_inclusion)).all()
    assert (result.beyond_exit_margin == beyond_exit_margin(true_signed, np.full(3000, 100.0), no_inclusion)).all()
