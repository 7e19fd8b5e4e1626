"""Put a scenario on the clock and send it to the feed API over HTTP, as a vendor platform would.

With a speed-up S the scenario plays S times faster than real time. Fix
timestamps stay in the past: scenario time 0 is placed far enough back that
the last fix is stamped "now" when it is sent, so the feed API never sees a
fix from the future.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from .scenarios import EVENTS, POSITIONS, Post

FEED_PATHS = {POSITIONS: "/api/v1/feeds/positions", EVENTS: "/api/v1/feeds/events"}


@dataclass(frozen=True)
class Clock:
    """Map scenario seconds onto wall-clock send times and fix timestamps.

    Scenario time 0 lies `preroll_s` in the past. That past is played
    `speedup` times faster, as a backlog a vendor platform catches up on;
    once the scenario reaches the present it goes on in real time. So no fix
    is ever stamped in the future, and none lags the clock by more than the
    preroll (silent-device checks judge devices by their newest fix).
    """

    wall_start: float
    epoch_zero: float  # the Unix time that scenario time 0 stands for
    speedup: float

    @classmethod
    def plan(cls, now: float, speedup: float, preroll_s: float) -> Clock:
        if speedup < 1.0:
            raise ValueError("speedup must be at least 1")
        if preroll_s < 0.0:
            raise ValueError("preroll must not be negative")
        return cls(wall_start=now, epoch_zero=now - preroll_s, speedup=speedup)

    def send_at(self, scenario_t: float) -> float:
        return max(self.wall_start + scenario_t / self.speedup, self.timestamp(scenario_t))

    def timestamp(self, scenario_t: float) -> float:
        return self.epoch_zero + scenario_t


def payload(post: Post, clock: Clock) -> dict:
    """Return the JSON body of one upload."""
    if post.endpoint == POSITIONS:
        return {"fixes": [_fix_item(post.device_of(i), fix, clock) for i, fix in enumerate(post.fixes)]}
    return {"events": [{"device": post.device, "ts": iso(clock.timestamp(e.t)), "type": e.type} for e in post.events]}


def _fix_item(device: str, fix, clock: Clock) -> dict:
    return {
        "device": device,
        "ts": iso(clock.timestamp(fix.t)),
        "lat": round(fix.lat, 7),
        "lon": round(fix.lon, 7),
        "accuracy_m": fix.accuracy_m,
        "speed_mps": round(fix.speed_mps, 2),
        "heading": round(fix.heading_deg, 1),
        # A battery that drains about 1 % per 10 minutes.
        "battery_pct": max(5, 90 - int(fix.t // 600)),
    }


def iso(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class FeedClient:
    """POST JSON to the feed API with the vendor's key; wait for the server while it starts."""

    def __init__(self, base_url: str, api_key: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def post(self, endpoint: str, body: dict, patience_s: float = 60.0) -> tuple[int, dict]:
        """Return (status, JSON answer); retry refused connections for up to `patience_s`."""
        deadline = time.monotonic() + patience_s
        while True:
            try:
                return self._post_once(FEED_PATHS[endpoint], body)
            except urllib.error.URLError as exc:
                if isinstance(exc, urllib.error.HTTPError) or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def _post_once(self, path: str, body: dict) -> tuple[int, dict]:
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's own server)
            self.base_url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Api-Key {self.api_key}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status, _json(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, _json(exc.read())


def _json(raw: bytes) -> dict:
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {"raw": raw[:200].decode(errors="replace")}


def run(
    posts: Iterable[Post],
    client: FeedClient,
    *,
    speedup: float,
    preroll_s: float,
    report: Callable[[str], None] = print,
    now: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> list[int]:
    """Send the posts (ordered by scenario time) on the clock; return the HTTP status of each."""
    clock = Clock.plan(now(), speedup, preroll_s)
    statuses = []
    for post in posts:
        delay = clock.send_at(post.send_t) - now()
        if delay > 0:
            sleep(delay)
        status, answer = client.post(post.endpoint, payload(post, clock))
        statuses.append(status)
        report(describe(post, status, answer))
    return statuses


def describe(post: Post, status: int, answer: dict) -> str:
    """Return one Dutch log line about an upload and the API's answer."""
    if post.endpoint == POSITIONS:
        what = f"{len(post.fixes)} posities"
    else:
        what = "gebeurtenis " + ", ".join(e.type for e in post.events)
    who = f"{len(post.devices)} apparaten" if post.devices else post.device
    counts = []
    for key in ("accepted", "duplicates", "rejected"):
        value = answer.get(key)
        if value is not None:
            counts.append(f"{key}={len(value) if isinstance(value, list) else value}")
    note = f" ({post.note})" if post.note else ""
    detail = "" if status < 400 else f" {answer.get('detail', answer)}"
    return f"{who}: {what}{note} -> HTTP {status} {' '.join(counts)}{detail}".rstrip()
