"""Scripted scenarios: approach into a zone, boundary jitter, a silent device, a strap tamper."""

import itertools
from datetime import datetime

import pytest

from seeds import demo_data, scenarios
from seeds.simulator import Clock, payload
from seeds.trajectories import distance_m

UTRECHT = (demo_data.UTRECHT.lat, demo_data.UTRECHT.lon)
AMERSFOORT = (demo_data.AMERSFOORT.lat, demo_data.AMERSFOORT.lon)
DEMO_SPEEDUP = 30.0
DEMO_PREROLL = 600.0


def true_track(posts):
    fixes = sorted({f for p in posts for f in p.fixes}, key=lambda f: f.t)
    return [(f.t, (f.true_lat, f.true_lon)) for f in fixes]


def test_approach_enters_the_utrecht_5_km_zone_and_leaves_it_again():
    track = true_track(scenarios.build("approach"))
    distances = [distance_m(where, UTRECHT) for _, where in track]
    assert distances[0] > 7000.0
    assert min(distances) < 2000.0
    assert distances[-1] > 7000.0


def test_demo_clock_sends_the_entry_within_half_a_minute():
    posts = scenarios.build("approach")
    entry = next(p for p in posts if any(distance_m((f.true_lat, f.true_lon), UTRECHT) < 5000.0 for f in p.fixes))
    clock = Clock.plan(0.0, DEMO_SPEEDUP, DEMO_PREROLL)
    # Leaves room for start-up (migrate, seed, web server) within the demo's first minute.
    assert clock.send_at(entry.send_t) < 30.0


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


@pytest.mark.parametrize(("speedup", "preroll"), [(1.0, 0.0), (30.0, 600.0), (30.0, 100_000.0)])
def test_no_fix_is_stamped_after_it_is_sent(speedup, preroll):
    posts = scenarios.build("all")
    clock = Clock.plan(1_800_000_000.0, speedup, preroll)
    for post in posts:
        for item in items_of(payload(post, clock)):
            assert stamp(item) <= clock.send_at(post.send_t) + 0.001


def test_after_the_preroll_the_scenario_runs_in_real_time():
    posts = scenarios.build("approach")
    clock = Clock.plan(1_800_000_000.0, DEMO_SPEEDUP, DEMO_PREROLL)
    for post in posts:
        lag = clock.send_at(post.send_t) - clock.timestamp(post.send_t)
        assert 0.0 <= lag <= DEMO_PREROLL
        if post.send_t > DEMO_PREROLL * 1.1:
            assert lag == 0.0


def test_keep_alive_reports_every_other_device_and_never_the_silent_one():
    posts = scenarios.build("silent")
    merged = list(itertools.islice(scenarios.with_keep_alive(posts), 200))
    assert [p.send_t for p in merged] == sorted(p.send_t for p in merged)
    clock = Clock.plan(0.0, 1.0, 0.0)
    reporting = {item["device"] for p in merged for item in items_of(payload(p, clock))}
    others = {d.serial for d in demo_data.DEVICES} - {demo_data.DEVICE_SILENT}
    assert others <= reporting
    late = [p for p in merged if p.send_t > 600.0]
    assert demo_data.DEVICE_SILENT not in {i["device"] for p in late for i in items_of(payload(p, clock))}


def test_position_payload_has_the_feed_fields():
    post = next(p for p in scenarios.build("approach") if p.fixes)
    item = payload(post, Clock.plan(1_800_000_000.0, 10.0, 600.0))["fixes"][0]
    assert set(item) >= {"device", "ts", "lat", "lon", "accuracy_m"}
    assert item["ts"].endswith("Z")


def items_of(body: dict) -> list[dict]:
    return body.get("fixes") or body.get("events")


def stamp(item: dict) -> float:
    return datetime.fromisoformat(item["ts"]).timestamp()
