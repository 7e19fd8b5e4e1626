"""Scripted feed scenarios on the demo data: what each ankle monitor sends, and when.

Pure: a scenario is a list of uploads (`Post`) at scenario times, built from
`trajectories` and the places in `demo_data`. The simulator puts them on the
clock and sends them to the feed API.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from . import demo_data as data
from .trajectories import (
    CYCLING,
    DRIVING,
    WALKING,
    AccuracyModel,
    Fix,
    Leg,
    Point,
    add_gps_noise,
    point_at,
    simulate,
    upload,
)

POSITIONS = "positions"
EVENTS = "events"

# Event types of the feed API, as the vendor sends them.
HEARTBEAT = "heartbeat"
STRAP_TAMPER = "strap_tamper"
STRAP_RESTORED = "strap_restored"


@dataclass(frozen=True)
class Event:
    t: float
    type: str


@dataclass(frozen=True)
class Post:
    """One upload to the feed API at scenario time `send_t`."""

    send_t: float
    endpoint: str  # POSITIONS or EVENTS
    device: str
    fixes: tuple[Fix, ...] = ()
    events: tuple[Event, ...] = ()
    note: str = ""
    devices: tuple[str, ...] = ()  # per fix, when one upload carries several devices

    def device_of(self, index: int) -> str:
        return self.devices[index] if self.devices else self.device


# From Maarssen along the Amsterdamsestraatweg into Utrecht: about 8 km from the Domplein at the start.
_HOME = (data.DEVICES[0].home.lat, data.DEVICES[0].home.lon)
_CAR = (52.13720, 5.03720)
_ROAD_IN = ((52.13600, 5.04100), (52.12900, 5.05300), (52.12150, 5.06550), (52.11500, 5.08000),
            (52.10800, 5.09200), (52.10100, 5.10300), (52.09600, 5.11100))  # fmt: skip
_WALK_IN = ((52.09500, 5.11250), (52.09330, 5.11600), (52.09200, 5.11900))
APPROACH_ROUTE = (
    Leg(WALKING, (_HOME, _CAR), pause_s=30),
    Leg(DRIVING, _ROAD_IN, pause_s=45),
    Leg(WALKING, _WALK_IN, pause_s=120),
    # Back to the car and out of the zone again, so the incident closes.
    Leg(WALKING, (*_WALK_IN[::-1], _ROAD_IN[-1]), pause_s=20),
    Leg(DRIVING, (*_ROAD_IN[::-1], _CAR), pause_s=30),
    Leg(WALKING, (_CAR, _HOME)),
)


def approach(rng: np.random.Generator) -> list[Post]:
    """Drive from Maarssen into the Utrecht 5 km zone, walk towards the centre, then leave again."""
    points = simulate(APPROACH_ROUTE, interval_s=15.0, rng=rng)
    fixes = add_gps_noise(points, rng=rng)
    # A short network outage while still far out; the platform forwards the stored fixes.
    batches = upload(
        fixes, every_s=30.0, outages=[(90.0, 150.0)], late_probability=0.08, late_by_s=45.0,
        duplicate_probability=0.05, rng=rng,
    )  # fmt: skip
    return [_positions(data.DEVICE_APPROACH, b.send_t, b.fixes, _note(b)) for b in batches]


def jitter(rng: np.random.Generator) -> list[Post]:
    """Walk along the Amersfoort 5 km boundary, crossing it back and forth, then walk away."""
    centre = (data.AMERSFOORT.lat, data.AMERSFOORT.lon)
    along = [point_at(centre, 250.0 + 0.5 * i, 5000.0 + (30.0 if i % 2 else -30.0)) for i in range(24)]
    away = [point_at(centre, 262.0, 5200.0), point_at(centre, 263.0, 5600.0)]
    legs = [Leg(WALKING, tuple(along)), Leg(CYCLING, tuple(away))]
    points = simulate(legs, interval_s=10.0, rng=rng)
    fixes = add_gps_noise(points, rng=rng, accuracy=AccuracyModel(good_m=12.0, poor_m=35.0))
    batches = upload(fixes, every_s=30.0, rng=rng)
    return [_positions(data.DEVICE_JITTER, b.send_t, b.fixes, _note(b)) for b in batches]


def silent(rng: np.random.Generator) -> list[Post]:
    """Report from Kampen for a few minutes, far from any zone, then fall silent for good."""
    home = data.device_homes()[data.DEVICE_SILENT]
    points = simulate([Leg(WALKING, (home, point_at(home, 80.0, 150.0)), pause_s=120.0)], interval_s=30.0, rng=rng)
    fixes = add_gps_noise(points, rng=rng)
    posts = [_positions(data.DEVICE_SILENT, b.send_t, b.fixes) for b in upload(fixes, every_s=60.0, rng=rng)]
    beats = [Post(t, EVENTS, data.DEVICE_SILENT, events=(Event(t, HEARTBEAT),)) for t in (60.0, 120.0, 180.0)]
    return sorted(posts + beats, key=lambda p: p.send_t)


def tamper(rng: np.random.Generator) -> list[Post]:
    """Stay at home in Sneek; the strap is opened after a few minutes."""
    home = data.device_homes()[data.DEVICE_TAMPER]
    points = simulate([Leg(WALKING, (home, point_at(home, 200.0, 40.0)), pause_s=540.0)], interval_s=60.0, rng=rng)
    fixes = add_gps_noise(points, rng=rng, accuracy=AccuracyModel(good_m=15.0))
    posts = [_positions(data.DEVICE_TAMPER, b.send_t, b.fixes) for b in upload(fixes, every_s=60.0, rng=rng)]
    posts.append(Post(150.0, EVENTS, data.DEVICE_TAMPER, events=(Event(148.0, STRAP_TAMPER),), note="enkelband open"))
    return sorted(posts, key=lambda p: p.send_t)


SCENARIOS: dict[str, Callable[[np.random.Generator], list[Post]]] = {
    "approach": approach,
    "jitter": jitter,
    "silent": silent,
    "tamper": tamper,
}


def build(name: str, seed: int = 2026) -> list[Post]:
    """Return the posts of one scenario, or of all of them ("all"), ordered by send time."""
    names = list(SCENARIOS) if name == "all" else [name]
    posts: list[Post] = []
    for i, scenario in enumerate(names):
        posts.extend(SCENARIOS[scenario](np.random.default_rng(seed + i)))
    return sorted(posts, key=lambda p: p.send_t)


def with_keep_alive(posts: list[Post], *, every_s: float = 60.0, seed: int = 2026) -> Iterator[Post]:
    """Merge the scenario with uploads that keep the other seeded devices reporting, forever.

    Devices the scenario moves carry on from where it left them once their
    script ends; the silent scenario's device stays silent, as it should.
    """
    moved = {p.device for p in posts}
    idle = {device: home for device, home in data.device_homes().items() if device not in moved}
    streams: list = [posts, keep_alive(idle, every_s=every_s, seed=seed)]
    for i, device in enumerate(sorted(moved - {data.DEVICE_SILENT})):
        own = [p for p in posts if p.device == device]
        last = max((f for p in own for f in p.fixes), key=lambda f: f.t)
        start = max(p.send_t for p in own) + every_s
        streams.append(keep_alive({device: (last.true_lat, last.true_lon)}, start_t=start, seed=seed + 1 + i))
    return heapq.merge(*streams, key=lambda p: p.send_t)


def keep_alive(
    positions: dict[str, tuple[float, float]], *, every_s: float = 60.0, start_t: float = 0.0, seed: int = 2026
) -> Iterator[Post]:
    """Yield, forever, one upload every `every_s` with a fix of each idle device at its position.

    A vendor platform keeps reporting every device it runs; without this the
    devices no scenario moves would all open "device silent" incidents.
    """
    rng = np.random.default_rng(seed)
    t = start_t
    while positions:
        points = [Point(t, lat, lon, 0.0, 0.0) for lat, lon in positions.values()]
        fixes = tuple(f for p in points for f in add_gps_noise([p], rng=rng))
        yield Post(t, POSITIONS, "", fixes=fixes, devices=tuple(positions))
        t += every_s


def _positions(device: str, send_t: float, fixes: tuple[Fix, ...], note: str = "") -> Post:
    return Post(send_t, POSITIONS, device, fixes=fixes, note=note)


def _note(batch) -> str:
    return "te laat" if batch.late else ("dubbel" if batch.duplicate else "")
