"""Properties: monotone toward the centre, batch equals one by one, input order is irrelevant."""

import numpy as np
from engine_helpers import T0, batch, place
from hypothesis import given, settings
from hypothesis import strategies as st

from geofence.engine.evaluate import PointFix, evaluate, evaluate_fix
from geofence.engine.index import ZoneIndex
from geofence.engine.windows import WeeklyWindow
from geofence.engine.zones import CircleZone, Mode, MovingZone, PolygonZone

SQUARE = [[5.00, 52.00], [5.10, 52.00], [5.10, 52.10], [5.00, 52.10], [5.00, 52.00]]
ZONES = ZoneIndex(
    [
        CircleZone(zone_id=1, subject_id=1, lat=52.05, lon=5.05),
        CircleZone(zone_id=2, subject_id=1, lat=52.10, lon=5.10, windows=(WeeklyWindow.parse("22:00-06:00"),)),
        PolygonZone(zone_id=3, subject_id=2, geojson={"type": "Polygon", "coordinates": [SQUARE]}),
        CircleZone(zone_id=4, subject_id=2, lat=52.0, lon=5.0, radius_m=300.0, mode=Mode.INCLUSION),
        MovingZone(zone_id=5, subject_id=3, protected_id=77),
    ]
)
PROTECTED = {77: PointFix(T0 + 3000.0, 52.06, 5.06, 8.0)}

fix = st.tuples(
    st.integers(1, 4),  # subject 4 has no zones
    st.integers(0, 6000).map(float),  # whole seconds: T0 + t stays distinct
    st.floats(51.95, 52.15),
    st.floats(4.95, 5.15),
    st.floats(0.0, 60.0),
)


@settings(max_examples=150, deadline=None)
@given(
    lat=st.floats(50.8, 53.5),
    lon=st.floats(3.4, 7.2),
    azimuth=st.floats(0.0, 360.0),
    distance=st.floats(0.0, 15_000.0),
    fraction=st.floats(0.0, 1.0),
    accuracy=st.floats(0.0, 100.0),
)
def test_moving_a_fix_toward_the_centre_never_makes_it_less_inside(lat, lon, azimuth, distance, fraction, accuracy):
    index = ZoneIndex([CircleZone(zone_id=1, subject_id=1, lat=lat, lon=lon)])
    far, near = place(lat, lon, azimuth, distance), place(lat, lon, azimuth, distance * fraction)
    result = evaluate(index, batch(1, T0 + np.array([0.0, 3600.0]), [far[0], near[0]], [far[1], near[1]], accuracy))
    assert result.signed_distance_m[1] <= result.signed_distance_m[0] + 1e-6
    assert result.verdict[1] >= result.verdict[0]
    assert result.inside[1] >= result.inside[0]
    assert result.approach_level[1] >= result.approach_level[0]


def _rows(result):
    return {(int(result.fix_index[i]), int(result.zone_id[i])): result.row(i) for i in range(len(result))}


def _same(a, b):
    for name in a.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, float) and isinstance(y, float):
            assert abs(x - y) <= 1e-6 * max(1.0, abs(x)), name
        else:
            assert x == y, name


@settings(max_examples=60, deadline=None)
@given(st.lists(fix, min_size=1, max_size=30, unique_by=lambda f: (f[0], f[1])))
def test_batch_equals_one_fix_at_a_time(fixes):
    fixes = sorted(fixes, key=lambda f: (f[0], f[1]))
    subject, t, lat, lon, acc = (np.array(c) for c in zip(*fixes, strict=True))
    whole = _rows(evaluate(ZONES, batch(subject, T0 + t, lat, lon, acc), protected_fixes=PROTECTED))
    previous = {}
    for i, (s, ti, la, lo, ac) in enumerate(fixes):
        rows = evaluate_fix(ZONES, s, T0 + ti, la, lo, ac, protected_fixes=PROTECTED, previous_fix=previous.get(s))
        previous[s] = PointFix(T0 + ti, la, lo, ac)
        for row in rows:
            _same(_renumbered(row, i), whole.pop((i, row.zone_id)))
    assert not whole


def _renumbered(row, fix_index):
    return row.__class__(**{**row.__dict__, "fix_index": fix_index})


@settings(max_examples=60, deadline=None)
@given(st.lists(fix, min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_shuffled_input_gives_the_same_per_fix_results(fixes, rnd):
    subject, t, lat, lon, acc = (np.array(c) for c in zip(*fixes, strict=True))
    order = list(range(len(fixes)))
    rnd.shuffle(order)
    order = np.array(order)
    first = _rows(evaluate(ZONES, batch(subject, T0 + t, lat, lon, acc), protected_fixes=PROTECTED))
    shuffled = batch(subject[order], T0 + t[order], lat[order], lon[order], acc[order])
    second = _rows(evaluate(ZONES, shuffled, protected_fixes=PROTECTED))
    assert len(first) == len(second)
    for (j, zone_id), row in second.items():
        expected = first[(int(order[j]), zone_id)]
        _same(_renumbered(row, int(order[j])), expected)
