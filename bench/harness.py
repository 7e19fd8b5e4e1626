"""Run banwatch as in production for the fault and soak benchmarks, and count what comes out.

Shared by bench/faults.py and bench/soak.py (the feed load itself is bench/feedload.py):

- `Stack`: the database, Celery broker, police queue and gunicorn port of one run; `environment()` turns it into
  the processes' environment; `prepare()` creates the database, migrates and seeds a fleet (seeds.loadgen).
- `Processes`: gunicorn, Celery workers, beat and a police-queue consumer as real subprocesses, each with a log.
- `missing_fixes`: every fix answered 202, looked up in the database.
- `alert_counts`: outbox rows against the ids the consumer saw (produced, delivered, duplicated, lost).
- `rss_sample`: the resident memory of every process of the stack.

The consumer runs as `python bench/harness.py consume OUT` (POLICE_QUEUE_URL from the environment): one JSON
line per message (its arrival time and the whole message), written before the ack, so a message is never counted
as lost by the consumer itself.
"""

from __future__ import annotations

import http.client
import io
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from feedload import Batch, Fleet

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

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
            SECRET_KEY="bench-only-4fK9qLm2Xv7RtY8wZp3NcB6hJd1sGe5uAo0iTy2W",  # noqa: S106
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

    def create_database(self) -> None:
        """Create the database afresh and migrate it."""
        self.logdir.mkdir(parents=True, exist_ok=True)
        self.psql(f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)")
        self.psql(f"CREATE DATABASE {self.db_name}")
        env = self.environment()
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=REPO, env=env, check=True)

    def prepare(self, devices: int) -> dict:
        """Create the database afresh, migrate it and seed `devices` subjects; return the fleet."""
        self.create_database()
        env = self.environment()
        code = f"import json; from seeds.loadgen import setup_fleet; print(json.dumps(setup_fleet({devices})))"
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, check=True, capture_output=True)
        return json.loads(out.stdout.decode().strip().splitlines()[-1])


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

    def gunicorn(self, workers: int = 2, threads: int = 2, *, name: str = "gunicorn", port: int | None = None) -> None:
        bind = f"127.0.0.1:{port or self.stack.port}"
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", bind, "-w", str(workers)]
        self.spawn(name, [*command, "--threads", str(threads), "--timeout", "60", "--log-level", "warning"])

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
    """Return the AMQP URL of the vhost, creating it with rabbitmqctl when missing.

    The permissions are set every time: a fault drill cut off during its police-queue outage (which
    withdraws them) must not leave the next run locked out.
    """
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
        "body": alert.body,
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "consume":
        consume(Path(sys.argv[2]))
    else:
        raise SystemExit("usage: python bench/harness.py consume OUT")
