"""Run banwatch as in production for the fault and soak benchmarks, and count what goes in and out.

Shared by bench/faults.py and bench/soak.py:

- `Stack`: the database, Celery broker, police queue and gunicorn port of one run; `environment()` turns it into
  the processes' environment; `prepare()` creates the database, migrates and seeds a fleet (seeds.loadgen).
- `Processes`: gunicorn, Celery workers, beat and a police-queue consumer as real subprocesses, each with a log.
- `Load`: feed batches at a fixed rate from several clients; a batch answered 503 is sent again after its
  Retry-After, as a vendor would. Every batch is recorded, so the fixes answered 202 can be counted in the
  database afterwards (`missing_fixes`). Some devices (movers) cross their zone boundary back and forth, so
  incidents open and close and alerts keep flowing.
- `alert_counts`: outbox rows against the ids the consumer saw (produced, delivered, duplicated, lost).
- `rss_sample`: the resident memory of every process of the stack.

The consumer runs as `python bench/harness.py consume OUT` (POLICE_QUEUE_URL from the environment): one JSON
line per message, written before the ack, so a message is never counted as lost by the consumer itself.
"""

from __future__ import annotations

import http.client
import io
import itertools
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# Movers travel radially between these distances from their zone centre (the zone is 5 km): inside, then
# beyond the 100 m exit margin long enough for the K consecutive fixes that close the incident.
MOVER_NEAR_M, MOVER_FAR_M = 4400.0, 5600.0
STILL_M = 12_000.0  # everyone else stays well outside
METRES_PER_DEGREE_LAT = 111_320.0
CELERY = [sys.executable, "-m", "celery", "-A", "config"]


@dataclass
class Stack:
    db_url: str  # postgres://postgres@host:port/name
    broker_url: str
    queue_url: str
    port: int
    logdir: Path
    extra_env: dict = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.db_url,
            CELERY_BROKER_URL=self.broker_url,
            POLICE_QUEUE_URL=self.queue_url,
            DJANGO_SETTINGS_MODULE="config.settings",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
            # DEBUG off as in production (DEBUG on keeps every SQL statement in memory).
            DEBUG="false",
            SECRET_KEY="bench-only-secret",  # noqa: S106
            SECURE_SSL_REDIRECT="false",
            SECURE_COOKIES="false",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            BANWATCH_VAR_DIR=str(self.logdir / "var"),
        )
        env.update({key: str(value) for key, value in self.extra_env.items()})
        return env

    def psql(self, sql: str, database: str = "postgres") -> None:
        url = urlparse(self.db_url)
        command = ["psql", "-h", url.hostname, "-p", str(url.port or 5432), "-U", url.username or "postgres"]
        subprocess.run([*command, "-d", database, "-qc", sql], check=True, capture_output=True)

    @property
    def db_name(self) -> str:
        return urlparse(self.db_url).path.lstrip("/")

    def prepare(self, devices: int) -> dict:
        """Create the database afresh, migrate it and seed `devices` subjects; return the fleet."""
        self.logdir.mkdir(parents=True, exist_ok=True)
        self.psql(f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)")
        self.psql(f"CREATE DATABASE {self.db_name}")
        env = self.environment()
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=REPO, env=env, check=True)
        code = f"import json; from seeds.loadgen import setup_fleet; print(json.dumps(setup_fleet({devices})))"
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, check=True, capture_output=True)
        return json.loads(out.stdout.decode().strip().splitlines()[-1])


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


def purge_police_queue(stack: Stack) -> None:
    """Empty the police queue of what earlier runs left on it."""
    code = "import django; django.setup(); from geofence.alerts.police_queue import PoliceQueue; PoliceQueue().purge()"
    subprocess.run([sys.executable, "-c", code], cwd=REPO, env=stack.environment(), check=True)


class Processes:
    """The stack's processes, started in their own process groups so a kill takes a whole process tree."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.running: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, list[str]] = {}

    def spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        mode = "a" if name in self.commands else "w"  # a restart appends to the log of the same run
        log = open(self.stack.logdir / f"{name}.log", mode)  # noqa: SIM115 - lives as long as the process
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=self.stack.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running[name], self.commands[name] = process, command
        return process

    def gunicorn(self, workers: int = 2, threads: int = 2) -> None:
        bind = f"127.0.0.1:{self.stack.port}"
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", bind, "-w", str(workers)]
        self.spawn("gunicorn", [*command, "--threads", str(threads), "--timeout", "60", "--log-level", "warning"])

    def worker(self, name: str, queues: str, concurrency: int) -> None:
        command = [*CELERY, "worker", "-Q", queues, "-c", str(concurrency), "-n", f"{name}@%h", "-l", "INFO"]
        self.spawn(name, [*command, "--without-mingle", "--without-gossip"])

    def beat(self) -> None:
        schedule = self.stack.logdir / "beat-schedule"
        self.spawn("beat", [*CELERY, "beat", "-s", str(schedule), "-l", "INFO"])

    def consumer(self, out: Path) -> None:
        self.spawn("consumer", [sys.executable, str(Path(__file__).resolve()), "consume", str(out)])

    def restart(self, name: str) -> None:
        self.spawn(name, self.commands[name])

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (a container being killed)."""
        process = self.running[name]
        if process.poll() is None:
            os.killpg(process.pid, sig)
            process.wait(30)

    def children(self, name: str) -> list[int]:
        pid = self.running[name].pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def alive(self, name: str) -> bool:
        return self.running[name].poll() is None

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def ensure_vhost(vhost: str) -> str:
    """Return the AMQP URL of the vhost, creating it with rabbitmqctl when missing."""
    listed = subprocess.run(["rabbitmqctl", "list_vhosts", "-q"], capture_output=True, text=True, check=True)
    if vhost not in listed.stdout.split():
        subprocess.run(["rabbitmqctl", "add_vhost", vhost], capture_output=True, check=True)
        permissions = ["rabbitmqctl", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"]
        subprocess.run(permissions, capture_output=True, check=True)
    return f"amqp://guest:guest@127.0.0.1:5672/{vhost}"


def wait_http(url: str, timeout: float = 60) -> None:
    parsed = urlparse(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=5)
            conn.request("GET", "/api/v1/health?scope=web")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout} s")


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
    """

    def __init__(self, fleet: Fleet, url: str, rate: float, batch_size: int, clients: int = 4, give_up_s=300.0):
        self.fleet, self.url, self.batch_size, self.clients = fleet, urlparse(url), batch_size, clients
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
        self._threads = [threading.Thread(target=self._client, daemon=True) for _ in range(self.clients)]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop taking new batches; wait for the ones in flight (including their retries)."""
        self._stop.set()
        for thread in self._threads:
            thread.join()
        self.stopped = time.time()

    def _client(self) -> None:
        conn = None
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
            conn = self._send(batch, conn)

    def _send(self, batch: Batch, conn):
        body = self.fleet.body(batch)
        headers = {"Authorization": f"Api-Key {self.fleet.key}", "Content-Type": "application/json"}
        while True:
            reused = conn is not None
            conn = conn or http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=30)
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
            batch.statuses[status] += 1
            batch.status, batch.answered_at, batch.latency = status, time.time(), time.time() - began
            self._note(str(status), began, batch.latency)
            if status == 202 or time.time() - batch.sent_at > self.give_up_s:
                return conn
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


def connect_db(db_url: str):
    import psycopg

    return psycopg.connect(db_url.replace("postgres://", "postgresql://"), autocommit=True)


def missing_fixes(db_url: str, fleet: Fleet, batches: list[Batch]) -> tuple[int, int]:
    """Return (fixes answered 202, how many of them are not in the database)."""
    accepted = [b for b in batches if b.status == 202]
    with connect_db(db_url) as conn, conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE sent_fix (device text, ts timestamptz)")
        with cur.copy("COPY sent_fix (device, ts) FROM STDIN") as copy:
            for batch in accepted:
                buffer = io.StringIO()
                for device, ts in fleet.fix_keys(batch):
                    buffer.write(f"{device}\t{ts.isoformat()}\n")
                copy.write(buffer.getvalue())
        cur.execute(
            "SELECT count(*) FROM sent_fix s WHERE NOT EXISTS (SELECT 1 FROM geofence_fix f JOIN geofence_device d"
            " ON d.id = f.device_id WHERE d.device_id = s.device AND f.ts = s.ts)"
        )
        (missing,) = cur.fetchone()
    return sum(b.size for b in accepted), missing


def outbox_rows(db_url: str) -> dict[str, tuple[float, str]]:
    """Return {alert_id: (created_at epoch, status)} for every outbox row."""
    with connect_db(db_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT alert_id::text, extract(epoch FROM created_at), status FROM alerts_alertoutbox")
        return {alert_id: (float(created), status) for alert_id, created, status in cur.fetchall()}


def arrivals(path: Path) -> list[dict]:
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def alert_counts(produced: set[str], seen: list[dict]) -> dict:
    """Count the produced alerts as the consumer saw them: delivered once or more, or never (lost)."""
    times = Counter(record["alert_id"] for record in seen if record["alert_id"] in produced)
    return {
        "alerts_produced": len(produced),
        "alerts_delivered": len(times),
        "alerts_duplicated": sum(1 for n in times.values() if n > 1),
        "duplicate_messages": sum(n - 1 for n in times.values()),
        "alerts_lost": len(produced - set(times)),
    }


def wait_delivered(db_url: str, consumed: Path, ids: set[str] | None = None, timeout: float = 120) -> set[str]:
    """Wait until every outbox row (or those in `ids`) is published and seen by the consumer; return the rest."""
    deadline = time.monotonic() + timeout
    while True:
        rows = outbox_rows(db_url)
        wanted = set(rows) if ids is None else ids
        pending = {a for a in wanted if rows.get(a, (0, "pending"))[1] != "published"}
        unseen = wanted - {r["alert_id"] for r in arrivals(consumed)}
        if not (pending or unseen) or time.monotonic() > deadline:
            return pending | unseen
        time.sleep(1.0)


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


def latency_ms(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values) * 1000),
        "p99_ms": round(percentile(values, 99) * 1000),
        "max_ms": round(max(values) * 1000),
    }


# Alerts whose message's last fix is the fix that caused them; a "closed" alert carries the last fix inside.
CAUSED_BY_LAST_FIX = ("opened", "escalated")


def alert_latencies(seen: list[dict]) -> dict[str, list[tuple[float, float]]]:
    """Return (arrival, latency) pairs per first arrival of each alert, two ways.

    "entering": from the time of the entering fix (taken just before its batch was sent) to the police
    queue, for opened and escalated alerts; "delivery": from the message's creation in the request's
    transaction to the police queue, for every alert.
    """
    first: dict[str, dict] = {}
    for record in seen:
        first.setdefault(record["alert_id"], record)
    records = first.values()
    return {
        "entering": [
            (r["arrived"], r["arrived"] - r["fix_time"])
            for r in records
            if r.get("fix_time") and r["change"] in CAUSED_BY_LAST_FIX
        ],
        "delivery": [(r["arrived"], r["arrived"] - r["created"]) for r in records if r.get("created")],
    }


def _status_kb(pid: int) -> dict[str, int]:
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "RssAnon"):
                values[name] = int(rest.split()[0])
    except OSError:
        pass
    return values


def rss_sample(processes: Processes, db_url: str) -> dict[str, float]:
    """Return the RSS in MB of each process of the stack; PostgreSQL backends of the database summed."""
    sample = {}
    for name, process in processes.running.items():
        if process.poll() is not None:
            continue
        sample[name] = _status_kb(process.pid).get("VmRSS", 0) / 1024
        for n, child in enumerate(sorted(processes.children(name)), 1):
            sample[f"{name} child {n}"] = _status_kb(child).get("VmRSS", 0) / 1024
    try:
        with connect_db(db_url) as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            backends = [_status_kb(pid) for (pid,) in cur.fetchall()]
        sample["postgres backends (RSS)"] = sum(b.get("VmRSS", 0) for b in backends) / 1024
        sample["postgres backends (private)"] = sum(b.get("RssAnon", 0) for b in backends) / 1024
        sample["postgres backends (count)"] = len(backends)
    except Exception as exc:  # noqa: BLE001 - a sample during an outage says so instead of failing the run
        sample["postgres backends (error)"] = str(exc)[:80]
    return {key: round(value, 1) if isinstance(value, float) else value for key, value in sample.items()}


def consume(out: Path) -> None:
    """Read the police queue for ever, reconnecting after any error; one JSON line per message, then ack."""
    import django

    django.setup()
    from geofence.alerts.police_queue import PoliceQueue

    with out.open("a") as sink:
        while True:
            try:
                for alert, message in PoliceQueue().receive(timeout=5.0):
                    sink.write(json.dumps(_record(alert)) + "\n")
                    sink.flush()
                    message.ack()
            except Exception as exc:  # noqa: BLE001 - a dispatch system reconnects; so does this consumer
                print(f"{datetime.now(UTC).isoformat()} consumer reconnects after {type(exc).__name__}: {exc}")
                time.sleep(0.5)


def _record(alert) -> dict:
    fix = alert.body.get("last_fix") or {}
    fix_time = datetime.fromisoformat(fix["time"]).timestamp() if fix.get("time") else None
    incident = alert.body.get("incident") or {}
    created = alert.body.get("created_at")
    return {
        "alert_id": alert.alert_id,
        "arrived": time.time(),
        "created": datetime.fromisoformat(created).timestamp() if created else None,
        "fix_time": fix_time,
        "incident": incident.get("id"),
        "change": incident.get("change"),
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "consume":
        consume(Path(sys.argv[2]))
    else:
        raise SystemExit("usage: python bench/harness.py consume OUT")
