"""Checking numbers column by column accepts and refuses exactly what the item-by-item parser does."""

import math
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from geofence.feeds.serializers import ItemError, Rejection, _device_ref_of, _parse_fix, validate_fixes

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
AHEAD = timedelta(minutes=5)

numbers = st.one_of(
    st.floats(min_value=-400, max_value=400),
    st.integers(min_value=-400, max_value=400),
    st.sampled_from([math.nan, math.inf, -math.inf, 90, 90.0, -90, 180, 100_000, 10**400, True, None, "52.1"]),
)
timestamps = st.one_of(
    st.datetimes(min_value=datetime(1999, 1, 1), max_value=datetime(2026, 3, 2), timezones=st.just(UTC)).map(
        datetime.isoformat
    ),
    st.sampled_from(["2026-03-01T12:04:59Z", "2026-03-01T12:05:01+00:00", "2026-03-01T10:00:00", "yesterday", 1.7e9]),
)
devices = st.one_of(st.sampled_from(["EM-1", " EM-2 ", "", " ", "x" * 65, 7, None, True]), st.text(max_size=70))
fields = {
    "device": devices,
    "ts": timestamps,
    "lat": numbers,
    "lon": numbers,
    "accuracy_m": numbers,
    "speed_mps": numbers,
    "heading": numbers,
    "battery_pct": numbers,
    # A key a fix does not use: kept only when a database can store it.
    "note": st.one_of(st.text(max_size=5), st.sampled_from(["\x00", "\ud800", math.nan, [1, {"a": "\x00"}]])),
}
mostly_good = st.fixed_dictionaries(
    {
        "device": st.just("EM-1"),
        "ts": st.just("2026-03-01T11:00:00Z"),
        "lat": st.floats(min_value=-90, max_value=90),
        "lon": st.integers(min_value=-180, max_value=180),
        "accuracy_m": st.floats(min_value=0, max_value=100),
    },
    optional={k: v for k, v in fields.items() if k not in ("device", "ts", "lat", "lon", "accuracy_m")},
)
items = st.one_of(st.fixed_dictionaries({}, optional=fields), mostly_good, st.sampled_from([None, 3, "fix", [1, 2]]))


def item_by_item(batch: list) -> tuple[list, list]:
    valid, rejected = [], []
    for index, item in enumerate(batch):
        try:
            valid.append(_parse_fix(index, item, NOW + AHEAD))
        except ItemError as exc:
            rejected.append(Rejection(index, exc.reason, exc.detail, item, _device_ref_of(item)))
    return valid, rejected


@settings(max_examples=300, deadline=None)
@given(st.lists(items, max_size=12))
def test_batch_validation_equals_item_by_item(batch):
    valid, rejected = validate_fixes(batch, NOW, AHEAD)
    expected_valid, expected_rejected = item_by_item(batch)

    assert (valid, rejected) == (expected_valid, expected_rejected)
    assert [tuple(map(type, fix)) for fix in valid] == [tuple(map(type, fix)) for fix in expected_valid]


def test_a_thousand_good_fixes_take_the_column_path_and_keep_their_values():
    batch = [
        {"device": f"EM-{i}", "ts": "2026-03-01T11:00:00Z", "lat": 52 + i / 1e4, "lon": 5, "accuracy_m": 8}
        for i in range(1000)
    ]
    batch[500]["battery_pct"] = 140

    valid, rejected = validate_fixes(batch, NOW, AHEAD)

    assert [(r.index, r.reason) for r in rejected] == [(500, "out_of_range")]
    assert valid == item_by_item(batch)[0]
    assert type(valid[0].lon) is float and valid[0].speed_mps is None
