"""Load generator for the feed API: many invented subjects with area bans, fixes in batches over HTTP.

Reusable pieces: `setup_fleet` (bulk-creates vendor, key, persons, bans, devices), `FixStream` (yields
feed batches with a chosen share of fixes inside a zone) and `post_json` (keep-alive HTTP). As a script:

    DATABASE_URL=... python seeds/loadgen.py setup --devices 10000 > fleet.json
    python seeds/loadgen.py run --fleet fleet.json --url http://127.0.0.1:8102 --rate 10000 --seconds 60
"""

import argparse
import http.client
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

from pyproj import Geod

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_GEOD = Geod(ellps="WGS84")
RADIUS_M = 5000.0


@dataclass(frozen=True)
class Member:
    device: str
    lat: float
    lon: float


def setup_fleet(devices: int, vendor_slug: str = "loadgen", seed: int = 7) -> dict:
    """Create the vendor, an API key and `devices` subjects each with a 5 km area ban; return the fleet."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from geofence.models import Device, DeviceAssignment, DeviceKind, DeviceStatus, Vendor, VendorApiKey
    from registry.models import Authority, Ban, BanKind, Decision, LegalBasis, Person, ZoneShape

    rng = random.Random(seed)
    vendor = Vendor.objects.create(name=vendor_slug.title(), slug=vendor_slug)
    _row, key = VendorApiKey.issue(vendor, "loadgen")
    persons = [
        Person(given_names="Last", surname=f"Generator{i:05d}", date_of_birth=date(1980, 1, 1)) for i in range(devices)
    ]
    for p in persons:
        p.refresh_keys()
    persons = Person.objects.bulk_create(persons, batch_size=2000)
    decisions = Decision.objects.bulk_create(
        [
            Decision(
                person=p,
                authority=Authority.OM,
                legal_basis=LegalBasis.GEDRAGSAANWIJZING,
                reference=f"LOAD-{vendor_slug}-{i:05d}",
                decision_date=date(2026, 1, 1),
                sash_risk=rng.choice(["low", "medium", "high"]),
            )
            for i, p in enumerate(persons)
        ],
        batch_size=2000,
    )
    centres = [(rng.uniform(51.3, 53.2), rng.uniform(4.0, 6.8)) for _ in persons]
    since = datetime(2026, 1, 1, tzinfo=UTC)
    Ban.objects.bulk_create(
        [
            Ban(
                decision=d,
                person=p,
                kind=BanKind.AREA,
                valid_from=since,
                zone_shape=ZoneShape.CIRCLE,
                centre_lat=c[0],
                centre_lon=c[1],
                radius_m=RADIUS_M,
            )
            for d, p, c in zip(decisions, persons, centres, strict=True)
        ],
        batch_size=2000,
    )
    rows = Device.objects.bulk_create(
        [Device(vendor=vendor, device_id=f"LG-{i:06d}", kind=DeviceKind.ANKLE_MONITOR) for i in range(devices)],
        batch_size=2000,
    )
    DeviceStatus.objects.bulk_create([DeviceStatus(device=d) for d in rows], batch_size=2000)
    DeviceAssignment.objects.bulk_create(
        [DeviceAssignment(device=d, person=p, valid_from=since) for d, p in zip(rows, persons, strict=True)],
        batch_size=2000,
    )
    members = [{"device": d.device_id, "lat": c[0], "lon": c[1]} for d, c in zip(rows, centres, strict=True)]
    return {"key": key, "members": members}


class FixStream:
    """Yield feed batches from random devices; `inside_share` of the devices stay inside their zone.

    Inside devices report 0.5-4 km from the zone centre (their incidents stay open and are updated),
    the rest 8-20 km away.

    Timestamps rise one second per batch so every (device, ts) is new; they start in the past so a long
    run never sends fixes from the future.
    """

    def __init__(self, members: list[dict], inside_share: float = 0.05, seed: int = 11, start: datetime | None = None):
        self.members = [Member(**m) for m in members]
        self.rng = random.Random(seed)
        self.inside = {m.device for m in random.Random(0).sample(self.members, round(inside_share * len(members)))}
        self.clock = start or datetime.now(UTC) - timedelta(hours=2)

    def batch(self, size: int) -> list[dict]:
        self.clock += timedelta(seconds=1)
        ts = self.clock.isoformat()
        return [self._fix(m, ts) for m in self.rng.sample(self.members, size)]

    def _fix(self, member: Member, ts: str) -> dict:
        inside = member.device in self.inside
        distance = self.rng.uniform(500, 4000) if inside else self.rng.uniform(8000, 20000)
        lon, lat, _ = _GEOD.fwd(member.lon, member.lat, self.rng.uniform(0, 360), distance)
        return {
            "device": member.device,
            "ts": ts,
            "lat": round(lat, 6),
            "lon": round(lon, 6),
            "accuracy_m": round(self.rng.uniform(3, 25), 1),
            "battery_pct": 80,
        }


class Poster:
    """One keep-alive HTTP connection posting JSON bodies with the vendor key."""

    def __init__(self, url: str, key: str) -> None:
        parsed = urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        for attempt in (1, 2):
            try:
                self.conn.request("POST", path, body=body, headers=self.headers)
                answer = self.conn.getresponse()
                return answer.status, answer.read()
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def run(fleet: dict, url: str, rate: float, seconds: float, batch: int, inside_share: float) -> None:
    """Send `rate` fixes per second in batches for `seconds`; print what the server answered."""
    stream, poster = FixStream(fleet["members"], inside_share), Poster(url, fleet["key"])
    interval, sent, deadline = batch / rate, 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        status, body = poster.post("/api/v1/feeds/positions", json.dumps({"fixes": stream.batch(batch)}).encode())
        if status != 202:
            print(f"HTTP {status}: {body[:200]!r}", file=sys.stderr)
        sent += batch
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
    print(json.dumps({"sent": sent, "seconds": seconds}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    setup = sub.add_parser("setup", help="create a fleet in the database named by DATABASE_URL; print it as JSON")
    setup.add_argument("--devices", type=int, default=10_000)
    setup.add_argument("--vendor", default="loadgen")
    go = sub.add_parser("run", help="post fixes to a running server")
    go.add_argument("--fleet", required=True, type=Path)
    go.add_argument("--url", default="http://127.0.0.1:8000")
    go.add_argument("--rate", type=float, default=1000.0, help="fixes per second")
    go.add_argument("--seconds", type=float, default=60.0)
    go.add_argument("--batch", type=int, default=1000)
    go.add_argument("--inside-share", type=float, default=0.05)
    args = parser.parse_args()
    if args.command == "setup":
        print(json.dumps(setup_fleet(args.devices, args.vendor)))
    else:
        run(json.loads(args.fleet.read_text()), args.url, args.rate, args.seconds, args.batch, args.inside_share)


if __name__ == "__main__":
    main()
