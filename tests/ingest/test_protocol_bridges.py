"""Traccar's JSON forwarding and the OsmAnd protocol reach the feed: same checks, idempotency and quarantine.

The sample messages in fixtures/ are written the way Traccar's Jackson mapper writes PositionData and
EventData (org.traccar.forward) and the way OsmAnd clients build their query strings
(org.traccar.protocol.OsmAndProtocolDecoder).
"""

import json
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from geofence.feeds.bridges import KNOTS_PER_MPS
from geofence.models import DeviceEvent, Fix, Incident, IncidentType, QuarantinedItem, QuarantineReason
from geofence.testing import make_device, make_person

FIXTURES = Path(__file__).parent / "fixtures"
OSMAND = json.loads((FIXTURES / "osmand" / "requests.json").read_text())
POSITIONS = "/api/v1/bridges/traccar/positions"
EVENTS = "/api/v1/bridges/traccar/events"


def sample(name: str) -> str:
    return (FIXTURES / "traccar" / name).read_text()


@pytest.fixture
def device(feed):
    return make_device(feed.vendor, "EM-100234", person=make_person())


def post(feed, url: str, name: str):
    return feed._post(url, sample(name), content_type="application/json")


def osmand(feed, name: str, method: str = "get"):
    with feed.capture(execute=True):
        if method == "get":
            return feed.client.get(f"/api/v1/bridges/osmand?{OSMAND[name]}")
        return feed.client.post(
            "/api/v1/bridges/osmand", OSMAND[name], content_type="application/x-www-form-urlencoded"
        )


def test_traccar_position_becomes_a_fix_in_metres_per_second(feed, device):
    answer = post(feed, POSITIONS, "position.json")

    assert answer.status_code == 202, answer.content
    assert answer.json()["accepted"] == 1
    stored = Fix.objects.get(device=device)
    assert (stored.lat, stored.lon, stored.accuracy_m, stored.heading, stored.battery_pct) == (
        52.0907,
        5.1214,
        8.5,
        270.0,
        81.0,
    )
    assert stored.speed_mps == pytest.approx(2.3326 / KNOTS_PER_MPS)
    assert stored.speed_mps == pytest.approx(1.2, abs=0.001)  # 2.3326 kn
    assert stored.ts.isoformat() == "2026-03-01T21:15:00+00:00"


def test_resent_traccar_position_is_a_duplicate(feed, device):
    post(feed, POSITIONS, "position.json")
    answer = post(feed, POSITIONS, "position.json")

    assert answer.status_code == 202
    assert (answer.json()["accepted"], answer.json()["duplicates"]) == (0, 1)
    assert Fix.objects.filter(device=device).count() == 1


def test_tampering_alarm_is_a_strap_tamper_event_and_incident(feed, device):
    answer = post(feed, POSITIONS, "position_alarm_tampering.json")

    assert answer.status_code == 202, answer.content
    assert answer.json()["accepted"] == 2  # the fix and the alarm
    assert list(DeviceEvent.objects.values_list("type", flat=True)) == ["strap_tamper"]
    assert Fix.objects.get(device=device).accuracy_m == pytest.approx(1.6 * 5.0)  # accuracy 0: HDOP x 5 m
    assert Incident.objects.filter(device=device, type=IncidentType.STRAP_TAMPER).count() == 1


def test_invalid_position_is_a_lost_fix_and_power_cut_a_power_off(feed, device):
    answer = post(feed, POSITIONS, "position_no_fix_power_cut.json")

    assert answer.status_code == 202, answer.content
    assert answer.json()["ignored"] == ["overspeed"]
    assert not Fix.objects.exists()  # Traccar repeats the last location: not a position
    events = dict(DeviceEvent.objects.values_list("type", "payload"))
    assert set(events) == {"no_gps_fix", "power_off", "low_battery"}
    assert events["low_battery"] == {"battery_pct": 6.0}


def test_traccar_removing_alarm_event_is_a_strap_tamper(feed, device):
    answer = post(feed, EVENTS, "event_alarm_removing.json")

    assert answer.status_code == 202, answer.content
    event = DeviceEvent.objects.get()
    assert (event.type, event.ts.isoformat()) == ("strap_tamper", "2026-03-01T21:18:00+00:00")
    assert post(feed, EVENTS, "event_alarm_removing.json").json()["duplicates"] == 1


def test_traccar_offline_event_is_ignored(feed, device):
    answer = post(feed, EVENTS, "event_device_offline.json")

    assert answer.status_code == 202
    assert answer.json() == {"accepted": 0, "duplicates": 0, "rejected": [], "ignored": ["deviceOffline"]}
    assert not DeviceEvent.objects.exists()


def test_unknown_device_is_quarantined_for_attribution(feed, device):
    answer = post(feed, POSITIONS, "position_unknown_device.json")

    assert answer.status_code == 202
    assert [r["reason"] for r in answer.json()["rejected"]] == ["unknown_device"]
    kept = QuarantinedItem.objects.get()
    assert (kept.device_ref, kept.reason) == ("EM-999999", QuarantineReason.UNKNOWN_DEVICE)


def test_bad_values_are_422_naming_traccar_fields(feed, device):
    answer = post(feed, POSITIONS, "position_bad_values.json")

    assert answer.status_code == 422
    assert set(answer.json()["errors"]) == {"position.latitude"}  # the first refused value of the fix
    assert "95.0 is outside -90..90" in answer.json()["errors"]["position.latitude"][0]
    assert not Fix.objects.exists()
    assert QuarantinedItem.objects.get().reason == QuarantineReason.OUT_OF_RANGE


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("[]", "non_field_errors"),
        ('{"device": {"uniqueId": "EM-100234"}}', "position"),
        ('{"position": {}, "device": {}}', "device.uniqueId"),
        ('{"position": {"latitude": NaN}, "device": {"uniqueId": "EM-1"}}', "position"),
    ],
)
def test_unreadable_traccar_body_is_400_by_field(feed, device, body, field):
    answer = feed._post(POSITIONS, body, content_type="application/json")

    assert answer.status_code == 400
    assert field in answer.json()


def test_bridge_needs_the_vendor_key(device):
    answer = APIClient().post(POSITIONS, sample("position.json"), content_type="application/json")

    assert answer.status_code == 401
    assert not Fix.objects.exists()


def test_other_vendors_key_cannot_write_the_device(device, other_feed):
    answer = post(other_feed, POSITIONS, "position.json")

    assert [r["reason"] for r in answer.json()["rejected"]] == ["foreign_device"]
    assert not Fix.objects.exists()


def test_osmand_query_is_a_fix_with_knots_and_seconds(feed, device):
    answer = osmand(feed, "fix")

    assert answer.status_code == 200, answer.content
    stored = Fix.objects.get(device=device)
    assert stored.ts.isoformat() == "2026-03-01T21:15:00+00:00"
    assert stored.speed_mps == pytest.approx(1.2, abs=0.001)
    assert (stored.accuracy_m, stored.battery_pct) == (8.5, 81.0)


def test_osmand_milliseconds_hdop_and_local_date_format(feed, device):
    assert osmand(feed, "fix_hdop_only").status_code == 200
    assert osmand(feed, "fix_date_format", method="post").status_code == 200

    fixes = list(Fix.objects.order_by("ts").values_list("ts", "accuracy_m", "lat"))
    assert [(ts.isoformat(), acc, lat) for ts, acc, lat in fixes] == [
        ("2026-03-01T21:16:00+00:00", pytest.approx(6.0), 52.0909),
        ("2026-03-01T21:17:00+00:00", pytest.approx(10.0), 52.0911),
    ]


def test_osmand_resend_is_a_duplicate(feed, device):
    osmand(feed, "fix")
    assert osmand(feed, "fix").json()["duplicates"] == 1


def test_osmand_sos_without_fix_is_a_panic_and_lost_fix(feed, device):
    answer = osmand(feed, "no_fix_sos")

    assert answer.status_code == 200, answer.content
    assert set(DeviceEvent.objects.values_list("type", flat=True)) == {"no_gps_fix", "panic_button"}
    assert not Fix.objects.exists()


def test_osmand_bad_values_and_missing_id(feed, device):
    bad = osmand(feed, "bad_values")
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"lat": ["95.0 is outside -90..90"]}  # the first refused value

    missing = osmand(feed, "no_id")
    assert missing.status_code == 400
    assert "id" in missing.json()


def test_osmand_unknown_device_is_quarantined(feed, device):
    answer = osmand(feed, "unknown_device")

    assert answer.status_code == 200
    assert QuarantinedItem.objects.get().reason == QuarantineReason.UNKNOWN_DEVICE
