"""Bad items are refused one by one with a reason and kept in quarantine; good ones in the batch are stored."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from geofence.models import Fix, QuarantinedItem
from geofence.testing import fix, make_device


@pytest.fixture
def device(feed):
    return make_device(feed.vendor, "EM-000001")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"lat": 95.0}, "out_of_range"),
        ({"lon": -181}, "out_of_range"),
        ({"accuracy_m": -1}, "out_of_range"),
        ({"battery_pct": 140}, "out_of_range"),
        ({"lat": "52.1"}, "malformed"),
        ({"ts": "yesterday"}, "malformed"),
        ({"ts": "2026-03-01T10:00:00"}, "malformed"),
        ({"device": None}, "malformed"),
        ({"accuracy_m": None}, "malformed"),
        ({"device": "EM-999999"}, "unknown_device"),
    ],
)
def test_bad_item_is_rejected_and_quarantined_while_good_ones_are_stored(feed, device, change, reason):
    now = timezone.now()
    good = fix(device, now - timedelta(seconds=10), 52.0, 5.0)
    bad = {**fix(device, now, 52.0, 5.0), **change}

    answer = feed.positions([good, bad])

    assert answer.status_code == 202
    body = answer.json()
    assert body["accepted"] == 1
    assert [(r["index"], r["reason"]) for r in body["rejected"]] == [(1, reason)]
    assert Fix.objects.count() == 1
    item = QuarantinedItem.objects.get()
    assert (item.reason, item.index, item.vendor) == (reason, 1, feed.vendor)


def test_timestamp_more_than_five_minutes_ahead_is_refused(feed, device):
    now = timezone.now()
    answer = feed.positions(
        [fix(device, now + timedelta(minutes=4), 52.0, 5.0), fix(device, now + timedelta(minutes=6), 52.0, 5.0)]
    )
    assert [(r["index"], r["reason"]) for r in answer.json()["rejected"]] == [(1, "future_timestamp")]


def test_nan_and_infinity_are_refused(feed, device):
    ts = timezone.now().isoformat()
    body = f'{{"fixes": [{{"device": "EM-000001", "ts": "{ts}", "lat": NaN, "lon": 5.0, "accuracy_m": Infinity}}]}}'
    with feed.capture(execute=True):
        answer = feed.client.post("/api/v1/feeds/positions", body, content_type="application/json")
    assert answer.json()["rejected"][0]["reason"] == "nan_or_infinite"
    assert QuarantinedItem.objects.get().raw["lat"] == "nan"


@pytest.mark.parametrize("name", ["lat", "accuracy_m", "battery_pct", "ts"])
def test_integer_beyond_a_double_is_out_of_range_not_a_server_error(feed, device, name):
    item = {**fix(device, timezone.now(), 52.0, 5.0), name: 10**400}
    body = json.dumps({"fixes": [item]})
    with feed.capture(execute=True):
        answer = feed.client.post("/api/v1/feeds/positions", body, content_type="application/json")

    assert answer.status_code == 202
    assert [(r["index"], r["reason"]) for r in answer.json()["rejected"]] == [(0, "out_of_range")]
    assert QuarantinedItem.objects.get().reason == "out_of_range"


def test_item_that_is_not_an_object_is_malformed(feed, device):
    answer = feed.positions([42, "x"])
    assert [r["reason"] for r in answer.json()["rejected"]] == ["malformed", "malformed"]


def test_duplicates_are_counted_and_stored_once(feed, device):
    now = timezone.now()
    batch = [
        fix(device, now, 52.0, 5.0),
        fix(device, now, 52.0, 5.0),
        fix(device, now - timedelta(seconds=1), 52.0, 5.0),
    ]

    first = feed.positions(batch).json()
    again = feed.positions(batch).json()

    assert (first["accepted"], first["duplicates"]) == (2, 1)
    assert (again["accepted"], again["duplicates"]) == (0, 3)
    assert Fix.objects.count() == 2


def test_body_that_is_not_json_gets_400(feed, device):
    answer = feed.client.post("/api/v1/feeds/positions", "{not json", content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "malformed"


def test_body_without_fix_list_gets_400(feed, device):
    answer = feed.client.post("/api/v1/feeds/positions", {"positions": []}, format="json")
    assert answer.status_code == 400
    assert "fixes" in answer.json()["detail"]


def test_batch_over_ten_thousand_items_gets_413(feed, device, settings):
    settings.FEED_MAX_BATCH_ITEMS = 3
    now = timezone.now()
    answer = feed.positions([fix(device, now - timedelta(seconds=i), 52.0, 5.0) for i in range(4)])
    assert answer.status_code == 413
    assert answer.json()["code"] == "batch_too_large"
    assert not Fix.objects.exists()


def test_body_over_the_size_limit_gets_413(feed, device, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    items = [fix(device, timezone.now() - timedelta(seconds=i), 52.0, 5.0) for i in range(50)]
    answer = feed.client.post("/api/v1/feeds/positions", json.dumps({"fixes": items}), content_type="application/json")
    assert answer.status_code == 413
    assert not Fix.objects.exists()


def test_chunked_body_without_length_gets_411(feed, device):
    answer = feed.client.generic(
        "POST", "/api/v1/feeds/positions", b"", content_type="application/json", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert answer.status_code == 411
    assert answer.json()["code"] == "length_required"


def test_fixes_of_unknown_device_are_attributed_once_it_is_registered(feed):
    now = timezone.now()
    items = [fix("EM-NEW", now - timedelta(seconds=i), 52.0, 5.0) for i in range(3)]
    assert feed.positions(items).json()["accepted"] == 0

    from geofence.feeds.services import attribute_quarantined_fixes

    device = make_device(feed.vendor, "EM-NEW")
    with feed.capture(execute=True):
        assert attribute_quarantined_fixes(device) == 3

    assert Fix.objects.filter(device=device).count() == 3
    assert not QuarantinedItem.objects.filter(attributed_fix__isnull=True).exists()
    assert device.status.__class__.objects.get(device=device).last_fix_at is not None


@pytest.mark.parametrize(
    "body",
    [
        b'{"fixes": [{"lat": 52.1234567890123456, "lon": -0.0, "n": 18446744073709551615, "m": -9223372036854775808}]}',
        b'{"fixes": [{"lat": NaN, "lon": Infinity, "accuracy_m": -1e999}]}',
        b'{"fixes": [{"speed_mps": 100000000000000000000000}, {"x": -9999999999999999999}]}',
        b'{"fixes": [{"device": "\\ud800"}], "fixes": []}',
        b'\xef\xbb\xbf{"fixes": [{"device": "\\u00e9\\ud83d\\ude00"}]}',
        b'{"fixes": [1.5e308, 5e-324, 0.1, 1E2, -12]}',
    ],
)
def test_batch_bodies_decode_exactly_as_python_json_reads_them(body):
    from geofence.feeds.api import decode_json

    assert repr(decode_json(body)) == repr(json.loads(body))
