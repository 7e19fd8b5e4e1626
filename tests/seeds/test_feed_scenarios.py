"""Scripted scenarios: approach into a zone, boundary jitter, a silent device, a strap tamper."""

from datetime import datetime

import pytest

from seeds import demo_data, scenarios
from seeds.simulator import Clock, payload
from seeds.trajectories import distance_m

UTRECHT = (demo_data.UTRECHT.lat, demo_data.UTRECHT.lon)
AMERSFOORT = (demo_data.AMERSFOORT.lat, demo_data.AMERSFOORT.lon)
DEMO_SPEEDUP = 30.0


def true_track(posts):
    fixes = sorted({f for p in posts for f in p.fixes}, key=lambda f: f.t)
    return [(f.t, (f.true_lat, f.true_lon)) for f in fixes]


def test_approach_starts_outside_and_enters_the_utrecht_5_km_zone():
    track = true_track(scenarios.build("approach"))
    assert distance_m(track[0][1], UTRECHT) > 7000.0
    entry_t = next(t for t, where in track if distance_m(where, UTRECHT) < 5000.0)
    assert distance_m(track[-1][1], UTRECHT) < 2000.0
    # The demo plays at 30x: the entry is sent within 30 s of the simulator's start, leaving room in one minute.
    assert entry_t / DEMO_SPEEDUP < 30.0


def test_approach_has_late_duplicated_and_forwarded_batches():
    posts = scenarios.build("approach")
    notes = {p.note for p in posts}
    assert {"te laat", "dubbel"} <= notes
    assert any(p.send_t - p.fixes[0].t > 60.0 for p in posts)  # stored during the outage, sent after


def test_jitter_crosses_the_amersfoort_boundary_many_times():
    track = true_track(scenarios.build("jitter"))
    inside = [distance_m(where, AMERSFOORT) < 5000.0 for _, where in track]
    crossings = sum(a != b for a, b in zip(inside, inside[1:], strict=False))
    assert crossings >= 10
    assert not inside[-1]


def test_silent_device_stops_sending():
    posts = scenarios.build("silent")
    assert {p.device for p in posts} == {demo_data.DEVICE_SILENT}
    assert max(p.send_t for p in posts) <= 240.0


def test_tamper_sends_a_strap_tamper_event_among_positions():
    posts = scenarios.build("tamper")
    events = [e for p in posts for e in p.events]
    assert [e.type for e in events] == [scenarios.STRAP_TAMPER]
    assert any(p.fixes for p in posts if p.send_t > 150.0)


def test_all_plays_every_scenario_in_send_order():
    posts = scenarios.build("all")
    assert {p.device for p in posts} >= {demo_data.DEVICE_APPROACH, demo_data.DEVICE_JITTER}
    assert [p.send_t for p in posts] == sorted(p.send_t for p in posts)


def test_scenarios_drive_seeded_devices():
    devices = {d.serial for d in demo_data.DEVICES}
    assert {p.device for p in scenarios.build("all")} <= devices


@pytest.mark.parametrize("speedup", [1.0, 10.0, 30.0])
def test_no_fix_is_stamped_after_it_is_sent(speedup):
    posts = scenarios.build("all")
    clock = Clock.plan(max(p.send_t for p in posts), speedup, now=1_800_000_000.0)
    for post in posts:
        body = payload(post, clock)
        items = body.get("fixes") or body.get("events")
        for item in items:
            stamped = datetime.fromisoformat(item["ts"]).timestamp()
            assert stamped <= clock.send_at(post.send_t) + 0.001


def test_position_payload_has_the_feed_fields():
    post = next(p for p in scenarios.build("approach") if p.fixes)
    item = payload(post, Clock.plan(600.0, 10.0, now=1_800_000_000.0))["fixes"][0]
    assert set(item) >= {"device", "ts", "lat", "lon", "accuracy_m"}
    assert item["ts"].endswith("Z")
