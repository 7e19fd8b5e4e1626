"""Feed load for the fault and soak benchmarks: devices that move, batches on a schedule, every answer kept.

- `Fleet`: the seeded devices and where each is at a given moment; some (movers) cross their zone boundary
  back and forth, so incidents open and close and alerts keep flowing.
- `Load`: feed batches at a fixed rate from several clients; a batch answered 503 is sent again after its
  Retry-After, as a vendor would. Every batch is recorded, so the fixes answered 202 can be counted in the
  database afterwards (harness.missing_fixes).
- `first_contact`: every device reports once, before the workers start.
"""

from __future__ import annotations

import http.client
import itertools
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlparse

# Movers travel radially between these distances from their zone centre (the zone is 5 km): inside, then
# beyond the 100 m exit margin long enough for the K consecutive fixes that close the incident.
MOVER_NEAR_M, MOVER_FAR_M = 4400.0, 5600.0
STILL_M = 12_000.0  # everyone else stays well outside
METRES_PER_DEGREE_LAT = 111_320.0


@dataclass
class Batch:
    """One batch as sent: devices first..first+size (mod fleet) at one ts; what the server finally said."""

    number: int
    first: int
    size: int
    ts: datetime
    sent_at: float
    status: int | None = None  # the final answer: 202, or the last failure
    answered_at: float | None = None
    latency: float | None = None  # of the request that got the final answer
    attempts: int = 0
    statuses: Counter = field(default_factory=Counter)  # every answer, "timeout" and "refused" included
    retry_after: set = field(default_factory=set)


class Fleet:
    """The seeded devices and where each one is at a given moment."""

    def __init__(self, fleet: dict, mover_share: float, cycle_s: float) -> None:
        self.key = fleet["key"]
        self.devices = [m["device"] for m in fleet["members"]]
        self.centres = [(m["lat"], m["lon"]) for m in fleet["members"]]
        step = max(1, round(1 / mover_share)) if mover_share > 0 else 0
        self.movers = set(range(0, len(self.devices), step)) if step else set()
        self.cycle_s = cycle_s

    def position(self, i: int, at: float) -> tuple[float, float]:
        lat, lon = self.centres[i]
        if i in self.movers:
            phase = (at / self.cycle_s + i * 0.618) % 1.0
            distance = MOVER_NEAR_M + (MOVER_FAR_M - MOVER_NEAR_M) * abs(2 * phase - 1)
        else:
            distance = STILL_M
        return round(lat + distance / METRES_PER_DEGREE_LAT, 6), lon

    def body(self, batch: Batch) -> bytes:
        at, ts = batch.ts.timestamp(), batch.ts.isoformat()
        fixes = []
        for n in range(batch.size):
            i = (batch.first + n) % len(self.devices)
            lat, lon = self.position(i, at)
            fixes.append({"device": self.devices[i], "ts": ts, "lat": lat, "lon": lon, "accuracy_m": 8.0})
        return json.dumps({"fixes": fixes}).encode()

    def fix_keys(self, batch: Batch):
        for n in range(batch.size):
            yield self.devices[(batch.first + n) % len(self.devices)], batch.ts


class Load:
    """Post `rate` fixes/s in batches of `batch_size` from `clients` threads, on a fixed schedule.

    Open loop: batch k is due at start + k * batch_size / rate whatever happened to earlier ones, so an
    outage builds a backlog that is sent when the service is back. A failed batch is resent (after the
    Retry-After of a 503, else after a second) until it is answered 202 or `give_up_s` passes.

    `url` may be a list: several web processes behind one address. Client k starts on url k (round robin)
    and moves to the next one when a connection is refused or broken, as a load balancer does.
    """

    def __init__(self, fleet: Fleet, url, rate: float, batch_size: int, clients: int = 4, give_up_s=300.0):
        self.urls = [urlparse(u) for u in ([url] if isinstance(url, str) else url)]
        self.fleet, self.batch_size, self.clients = fleet, batch_size, clients
        self.interval = batch_size / rate
        self.give_up_s = give_up_s
        self.batches: list[Batch] = []
        self._numbers = itertools.count()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._answers: dict[str, tuple[float, float, float]] = {}

    def start(self) -> None:
        self.started = time.time()
        self._threads = [threading.Thread(target=self._client, args=(k,), daemon=True) for k in range(self.clients)]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop taking new batches; wait for the ones in flight (including their retries)."""
        self._stop.set()
        for thread in self._threads:
            thread.join()
        self.stopped = time.time()

    def _client(self, k: int) -> None:
        conn, server = None, k % len(self.urls)
        while not self._stop.is_set():
            number = next(self._numbers)
            due = self.started + number * self.interval
            time.sleep(max(0.0, due - time.time()))
            if self._stop.is_set():
                return
            first = (number * self.batch_size) % len(self.fleet.devices)
            batch = Batch(number, first, self.batch_size, datetime.now(UTC), time.time())
            with self._lock:
                self.batches.append(batch)
            conn, server = self._send(batch, conn, server)

    def _send(self, batch: Batch, conn, server: int = 0):
        body = self.fleet.body(batch)
        headers = {"Authorization": f"Api-Key {self.fleet.key}", "Content-Type": "application/json"}
        while True:
            reused = conn is not None
            url = self.urls[server]
            conn = conn or http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            began = time.time()
            batch.attempts += 1
            try:
                conn.request("POST", "/api/v1/feeds/positions", body, headers)
                answer = conn.getresponse()
                answer.read()
                status, wait = answer.status, float(answer.getheader("Retry-After") or 1)
                if answer.getheader("Retry-After"):
                    batch.retry_after.add(answer.getheader("Retry-After"))
            except TimeoutError:
                status, wait, conn = "timeout", 1.0, _closed(conn)
            except (OSError, http.client.HTTPException):
                status, wait, conn = "refused", 1.0, _closed(conn)
                if reused:
                    continue  # the server closed an idle keep-alive connection: a fresh one, at once
                server = (server + 1) % len(self.urls)  # that web process is gone: the next one
            batch.statuses[status] += 1
            batch.status, batch.answered_at, batch.latency = status, time.time(), time.time() - began
            self._note(str(status), began, batch.latency)
            if status == 202 or time.time() - batch.sent_at > self.give_up_s:
                return conn, server
            time.sleep(min(wait, 5.0))

    def _note(self, status: str, began: float, latency: float) -> None:
        with self._lock:
            first, last, slowest = self._answers.get(status, (began, began, 0.0))
            self._answers[status] = (min(first, began), max(last, began), max(slowest, latency))

    def answers(self) -> dict[str, dict]:
        """Per kind of answer: seconds from the start of the load to the first and last one, the slowest."""
        with self._lock:
            return {
                status: {"first_s": round(first - self.started, 1), "last_s": round(last - self.started, 1)}
                | {"slowest_s": round(slowest, 2)}
                for status, (first, last, slowest) in sorted(self._answers.items())
            }

    def summary(self, batches: list[Batch] | None = None) -> dict:
        batches = self.batches if batches is None else batches
        statuses = Counter()
        for batch in batches:
            statuses.update(batch.statuses)
        ok = [b for b in batches if b.status == 202]
        return {
            "fixes_sent": sum(b.size for b in batches),
            "fixes_accepted": sum(b.size for b in ok),
            "batches": len(batches),
            "batches_202": len(ok),
            "answers": {str(k): v for k, v in sorted(statuses.items(), key=str)},
            "retry_after": sorted(set().union(*(b.retry_after for b in batches))) if batches else [],
        }


def _closed(conn) -> None:
    if conn is not None:
        conn.close()


def first_contact(fleet: Fleet, url: str, batch_size: int = 500) -> None:
    """Have every device report once before the workers start, as a fleet in service would have.

    A freshly seeded device has never reported: the first silent-device check would open an incident for
    each. This also loads each gunicorn worker's zone catalogue before anything is measured.
    """
    rate = batch_size * 20  # as fast as the server answers
    load = Load(fleet, url, rate, batch_size, clients=2)
    load.start()
    while len(load.batches) * batch_size < len(fleet.devices):
        time.sleep(0.05)
    load.stop()
