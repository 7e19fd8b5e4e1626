"""The compiled kernel and the numpy kernel give the same results, and the engine runs without numba."""

import dataclasses

import numpy as np
import pytest
from engine_helpers import NL_CENTRES, T0, batch, place, star_polygon

from geofence.engine import evaluate as engine
from geofence.engine.errors import InvalidFix, UnsupportedArea
from geofence.engine.evaluate import PointFix, evaluate
from geofence.engine.index import ZoneIndex
from geofence.engine.windows import WeeklyWindow
from geofence.engine.zones import CircleZone, Mode, MovingZone, PolygonZone

pytestmark = pytest.mark.skipif("compiled" not in engine.KERNELS, reason="numba is not installed")

EXACT = ("fix_index", "zone_id", "active", "inactive_reason", "inside", "verdict", "approach_level")
EXACT += ("beyond_exit_margin", "suspect")
MEASURED = ("signed_distance_m", "centre_distance_m", "speed_mps", "heading_deg", "eta_min")


def _mixed_index() -> ZoneIndex:
    """Circles (some with night windows, one presence obligation), a polygon and a moving zone."""
    zones = []
    for k, (lat, lon) in enumerate(NL_CENTRES):
        windows = (WeeklyWindow.parse("22:00-06:00"),) if k % 2 else ()
        zones.append(CircleZone(zone_id=10 + k, subject_id=k, lat=lat, lon=lon, windows=windows))
    # Subject 0 has three zones: a second circle, a presence obligation and a polygon.
    zones.append(CircleZone(zone_id=30, subject_id=0, lat=53.25, lon=6.6, radius_m=2500.0))
    zones.append(CircleZone(zone_id=31, subject_id=0, lat=53.2, lon=6.55, radius_m=800.0, mode=Mode.INCLUSION))
    ring = star_polygon(53.21, 6.58, 40, 4000.0, seed=3)
    zones.append(PolygonZone(zone_id=32, subject_id=0, geojson={"type": "Polygon", "coordinates": [ring]}))
    zones.append(MovingZone(zone_id=40, subject_id=2, protected_id=7, radius_m=3000.0))
    return ZoneIndex(zones)


def _mixed_fixes(n: int, seed: int):
    """Fixes 0-12 km from their subject's centre, out of time order, with ties and a subject without zones."""
    rng = np.random.default_rng(seed)
    subject = rng.integers(0, len(NL_CENTRES) + 1, n)  # the last subject has no zones
    centre = np.array(NL_CENTRES)[np.minimum(subject, len(NL_CENTRES) - 1)]
    ends = np.array(
        [
            place(la, lo, a, d)
            for (la, lo), a, d in zip(centre, rng.uniform(0, 360, n), rng.uniform(0, 12_000, n), strict=True)
        ]
    )
    # Whole minutes over a week, many shared: equal times and out-of-order fixes both occur.
    t = T0 + 60.0 * rng.integers(0, 7 * 24 * 60 // 30, n)
    return batch(subject, t, ends[:, 0], ends[:, 1], rng.uniform(0.0, 50.0, n))


def _assert_same(a, b) -> None:
    """Codes and flags equal; distances within a micrometre, the rest within 1e-9 relative.

    The kernels compute in different orders (and the compiled one its own sines), so the last bits differ:
    a few nanometres on an ECEF coordinate of 6,400 km.
    """
    for name in EXACT:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    for name in MEASURED:
        x, y = getattr(a, name), getattr(b, name)
        assert np.array_equal(np.isnan(x), np.isnan(y)), name
        atol = 1e-6 if name.endswith("distance_m") else 1e-9
        assert np.allclose(x, y, rtol=1e-9, atol=atol, equal_nan=True), name


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_compiled_and_numpy_kernels_agree_on_a_mixed_batch(seed):
    index, fixes = _mixed_index(), _mixed_fixes(3000, seed)
    protected = {7: PointFix(T0 + 3 * 86_400.0, 52.37, 4.89, 6.0)}
    previous = {1: PointFix(T0 - 600.0, 52.373, 4.9, 5.0), 3: PointFix(T0 + 86_400.0, 51.44, 3.57, 4.0)}
    results = [
        evaluate(index, fixes, protected_fixes=protected, previous_fixes=previous, kernel=kernel)
        for kernel in ("compiled", "numpy")
    ]

    assert results[0].inactive_reason.any() and results[0].suspect.any() and (results[0].verdict == 2).any()
    _assert_same(*results)


def test_compiled_and_numpy_kernels_agree_on_fixes_right_at_the_thresholds():
    lat, lon = NL_CENTRES[1]
    signed = np.repeat([0.0, 12.0, -12.0, 100.0, 1000.0, 2000.0], 50) + np.tile(np.linspace(-2e-3, 2e-3, 50), 6)
    ends = np.array([place(lat, lon, 37.0 * k, 5000.0 + s) for k, s in enumerate(signed)])
    fixes = batch(1, T0 + np.arange(len(signed)), ends[:, 0], ends[:, 1], 12.0)
    index = ZoneIndex([CircleZone(zone_id=1, subject_id=1, lat=lat, lon=lon)])

    _assert_same(evaluate(index, fixes, kernel="compiled"), evaluate(index, fixes, kernel="numpy"))


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [("lat", 80.0, UnsupportedArea), ("accuracy_m", -1.0, InvalidFix), ("t", np.nan, InvalidFix)],
)
def test_both_kernels_name_the_same_bad_fix(field, value, error):
    index = ZoneIndex([CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0)])
    fixes = batch(1, T0 + np.arange(5.0), 52.0, 5.0, 5.0)
    getattr(fixes, field)[3] = value
    for kernel in ("compiled", "numpy"):
        with pytest.raises(error) as raised:
            evaluate(index, fixes, kernel=kernel)
        assert "3" in str(raised.value)


def test_an_unknown_kernel_is_refused_with_the_available_ones():
    index = ZoneIndex([CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0)])
    with pytest.raises(ValueError, match="available: compiled, numpy"):
        evaluate(index, batch(1, T0, 52.0, 5.0, 5.0), kernel="fortran")


def test_empty_batches_and_indexes_give_empty_results_on_both_kernels():
    fixes = batch(1, T0, 52.0, 5.0, 5.0)
    empty = dataclasses.replace(fixes, **{f.name: getattr(fixes, f.name)[:0] for f in dataclasses.fields(fixes)})
    for kernel in ("compiled", "numpy"):
        assert len(evaluate(ZoneIndex([]), fixes, kernel=kernel)) == 0
        assert (
            len(evaluate(ZoneIndex([CircleZone(zone_id=1, subject_id=1, lat=52.0, lon=5.0)]), empty, kernel=kernel))
            == 0
        )


def test_kernels_agree_when_subject_ids_are_too_sparse_for_a_lookup_table():
    far_apart = [7, 10**12, 3 * 10**15]
    zones = [
        CircleZone(zone_id=k, subject_id=s, lat=lat, lon=lon)
        for k, (s, (lat, lon)) in enumerate(zip(far_apart, NL_CENTRES, strict=False))
    ]
    index = ZoneIndex(zones)
    rng = np.random.default_rng(5)
    subject = rng.choice([*far_apart, 8], 500)  # 8 has no zones
    fixes = batch(subject, T0 + np.arange(500.0), rng.uniform(50.8, 53.4, 500), rng.uniform(3.5, 7.1, 500), 10.0)

    assert index.rank_table is None
    _assert_same(evaluate(index, fixes, kernel="compiled"), evaluate(index, fixes, kernel="numpy"))
