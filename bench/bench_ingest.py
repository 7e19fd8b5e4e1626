"""Feed ingestion through HTTP: gunicorn + PostgreSQL, batches of 1,000 fixes from 10,000 devices, 5 % inside.

Prints fixes/s, p50/p99 latency per batch and the workers' peak memory, then the same for one fix per
request. Evaluation runs inside each request (Celery eager, the embedded default), so the figures
include storing, the engine and the incident bookkeeping, and no Celery worker process takes a share.

Beside them, measured in the same run on the same database: the storage floor, a binary COPY of the
same fixes (1,000 rows from numpy columns) into a table shaped and indexed like the fix table, then a
commit. The summary gives the CPU per 1,000 fixes by process (gunicorn, Celery workers, PostgreSQL)
against the floor's CPU (the COPY's Python and its PostgreSQL backend), and the ratio.

Two ways to load the server:
- closed loop (default): `--clients` threads each post their next batch when the previous one is
  answered; fixes/s is the throughput, but the latency includes the batches waiting for each other
  (Little's law: 4 batches in flight at 10 batches/s wait 400 ms on average).
- open loop (`--rate F`): batches leave on a fixed schedule, F fixes per second whatever the server
  does, and each latency counts from the batch's scheduled send time, so a server that falls behind
  shows it in p99 (no coordinated omission). `--connections` keep-alive connections carry them.
  `--probe R` adds R short requests per second (one fix each, on a tenth of the fleet kept apart from the
  batches) beside the sustained phase and prints their latency: what a position forwarded alone, or any
  short request, waits for while the workers are busy with batches. Their CPU counts in that phase's.

Every phase sends newer fixes than the one before it (warm-up, onset, sustained, one fix per request), so
that no fix arrives late for its device, and all of them within the devices' clock tolerance
(DEVICE_CLOCK_BEHIND_SECONDS, 6 h): older fixes would count as a skewed clock and open incidents.

The load generator shares the machine's cores: bodies are built before measuring and posted with
http.client; its own CPU share and the gunicorn workers' are printed with each run, with the load average.

    .venv/bin/python bench/bench_ingest.py                       # full run, closed loop
    .venv/bin/python bench/bench_ingest.py --rate 10000          # full run, open loop at 10,000 fixes/s
    .venv/bin/python bench/bench_ingest.py --rate 10000 --probe 40   # and 40 one-fix requests/s beside it
    .venv/bin/python bench/bench_ingest.py --rate 50000 --profile-workers  # and the workers' time by step (py-spy)
    .venv/bin/python bench/bench_ingest.py --quick               # under a minute, for CI
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from procstat import children, cpu_seconds
from worker_profile import BackendWaits, WorkerProfile, report, report_waits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Other runs on the same machine: database and port can be moved out of their way.
DB_NAME = os.environ.get("BENCH_DB", "banwatch_ingest_bench")
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
PORT = int(os.environ.get("BENCH_PORT", "8102"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--devices", type=int)
    parser.add_argument("--batches", type=int)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rate", type=float, help="open loop: offered fixes per second (batches on a schedule)")
    parser.add_argument("--connections", type=int, default=8, help="open loop: keep-alive connections")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class")
    parser.add_argument("--probe", type=float, help="open loop: one-fix requests per second beside the sustained phase")
    parser.add_argument(
        "--profile-workers",
        action="store_true",
        help="during the measured batches, sample the gunicorn workers with py-spy and split their time by step, "
        "and sample what their PostgreSQL backends are doing",
    )
    parser.add_argument(
        "--onset",
        type=int,
        help="open loop: batches sent at the offered rate before measuring, reported apart (default 100; quick 30)",
    )
    args = parser.parse_args()
    devices = args.devices or (2000 if args.quick else 10_000)
    batches = args.batches or (40 if args.quick else 300)
    singles = 200 if args.quick else 2000

    env = _server_env()
    fleet = _prepare_database(env, devices)
    batch_fleet, probe_fleet = _split_for_probe(fleet) if args.rate and args.probe else (fleet, None)
    server = _start_gunicorn(env, args.workers, args.threads, args.worker_class)
    profile = WorkerProfile(children(server.pid)) if args.profile_workers else None
    try:
        _warm_up(batch_fleet)
        if args.rate:
            onset = args.onset if args.onset is not None else (30 if args.quick else 100)
            if onset:
                _measure_open(batch_fleet, onset, 1000, args.rate, args.connections, server, "onset", hours_back=3)
            probe = _Probe(probe_fleet, args.probe, batches * 1000 / args.rate) if probe_fleet else None
            batch = _measure_open(
                batch_fleet,
                batches,
                1000,
                args.rate,
                args.connections,
                server,
                "sustained",
                probe=probe,
                profile=profile,
            )
        else:
            label = "batches of 1,000 fixes"
            batch = _measure(batch_fleet, batches, 1000, args.clients, label, server, profile=profile)
        memory = _peak_memory_mb(server)
        single = _measure(fleet, singles, 1, args.clients, "one fix per request", server, hours_back=1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    floor = _storage_floor(fleet, 20 if args.quick else 60)
    print(
        json.dumps(
            {
                "devices": devices,
                "workers": args.workers,
                "threads": args.threads,
                "worker_class": args.worker_class,
                "mode": f"open loop, {args.rate:g} fixes/s offered" if args.rate else "closed loop",
                "clients": args.connections if args.rate else args.clients,
                "batch": batch,
                "single": single,
                "peak_worker_rss_mb": memory,
                "storage_floor": floor,
                "summary": _summary(batch, floor),
            },
            indent=2,
        )
    )


def _summary(batch: dict, floor: dict) -> dict:
    """CPU per 1,000 fixes by process, beside the storage floor of the same rows."""
    per_fix = 1000 / batch["fixes_per_request"]
    gunicorn = batch["gunicorn_cpu_ms_per_request"] * per_fix
    postgres = batch["postgres_cpu_ms_per_request"] * per_fix
    total = gunicorn + postgres  # Celery runs eager inside gunicorn: no worker process has a share
    return {
        "fixes_per_s": batch["fixes_per_s"],
        "p99_ms_per_batch": batch["p99_ms"],
        "cpu_ms_per_1000_fixes": {
            "gunicorn": round(gunicorn, 1),
            "celery_workers": 0.0,
            "postgres": round(postgres, 1),
            "total": round(total, 1),
        },
        "cpu_bound_fixes_per_s_on_2_cores": round(2 * 1_000_000 / total) if total else None,
        "storage_floor_cpu_ms_per_1000_fixes": floor["cpu_ms_per_1000"],
        "ratio_to_floor": round(total / floor["cpu_ms_per_1000"], 1) if floor["cpu_ms_per_1000"] else None,
        "load_average": batch["load_average"],
        **({"cpu_includes_the_probe": True} if "probe_one_fix_requests" in batch else {}),
    }


def _storage_floor(fleet: dict, batches: int) -> dict:
    """Time a binary COPY + commit of 1,000 fixes per batch, into a table shaped and indexed like the fix table.

    The rows are the bench's own fixes, read from the posted JSON beforehand (not timed); the timed part is
    building the COPY body from numpy columns, the COPY, and the commit: what storing costs at the least.
    Optional numbers absent from a fix travel as NaN, which keeps every row the same width.
    """
    import numpy as np
    import psycopg

    columns = ("device_id", "ts", "lat", "lon", "accuracy_m", "speed_mps", "heading", "battery_pct", "received_at")
    kinds = ("int8", "timestamptz", "float8", "float8", "float8", "float8", "float8", "float8", "timestamptz")
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={DB_NAME}") as conn:
        pk = dict(conn.execute("SELECT device_id, id FROM geofence_device").fetchall())
        prepared = [_floor_columns(json.loads(body)["fixes"], pk) for body in _bodies(fleet, batches, 1000, 5)]
        conn.execute("DROP TABLE IF EXISTS bench_storage_floor")
        conn.execute("CREATE TABLE bench_storage_floor (LIKE geofence_fix INCLUDING ALL)")
        conn.commit()
        backend = conn.info.backend_pid
        python, postgres, wall = time.thread_time(), cpu_seconds([backend]), time.perf_counter()
        for batch in prepared:
            body = binary_copy(kinds, [np.asarray(c) for c in batch])
            with conn.cursor().copy(
                f"COPY bench_storage_floor ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"  # noqa: S608 - ours
            ) as copy:
                copy.write(body)
            conn.commit()
        python, postgres = time.thread_time() - python, cpu_seconds([backend]) - postgres
        wall = time.perf_counter() - wall
        conn.execute("DROP TABLE bench_storage_floor")
        conn.commit()
    n = len(prepared)
    floor = {
        "batches": n,
        "python_cpu_ms_per_1000": round(1000 * python / n, 2),
        "postgres_cpu_ms_per_1000": round(1000 * postgres / n, 2),
        "cpu_ms_per_1000": round(1000 * (python + postgres) / n, 2),
        "wall_ms_per_1000": round(1000 * wall / n, 2),
        "load_average": f"{os.getloadavg()[0]:.1f}",
    }
    print(f"storage floor (binary COPY of 1,000 fixes + commit): {floor}", file=sys.stderr)
    return floor


# PostgreSQL's binary COPY format: signature, flags, no header extension; rows; a trailer of -1.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = b"\xff\xff"
_PG_EPOCH_S = 946_684_800  # timestamptz travels as microseconds since 2000-01-01 UTC
_COPY_FIELDS = {"int8": ">i8", "float8": ">f8", "timestamptz": ">i8"}


def binary_copy(kinds: tuple[str, ...], columns: list) -> bytes:
    """Return the COPY ... (FORMAT BINARY) body of fixed-width rows given column by column, in one numpy pass.

    Every field is 8 bytes, so a row is one record of a structured array; timestamptz columns hold Unix seconds.
    """
    import numpy as np

    layout = [("count", ">i2")]
    for k, kind in enumerate(kinds):
        layout += [(f"len{k}", ">i4"), (f"v{k}", _COPY_FIELDS[kind])]
    rows = np.empty(len(columns[0]), dtype=np.dtype(layout))
    rows["count"] = len(kinds)
    for k, (kind, column) in enumerate(zip(kinds, columns, strict=True)):
        rows[f"len{k}"] = 8
        if kind == "timestamptz":
            column = np.rint((np.asarray(column, dtype=np.float64) - _PG_EPOCH_S) * 1e6)
        rows[f"v{k}"] = column
    return _COPY_HEADER + rows.tobytes() + _COPY_TRAILER


def _floor_columns(fixes: list[dict], pk: dict) -> list[list]:
    now = time.time()
    absent = float("nan")
    return [
        [pk[f["device"]] for f in fixes],
        [datetime.fromisoformat(f["ts"]).timestamp() for f in fixes],
        *([f.get(name, absent) for f in fixes] for name in ("lat", "lon", "accuracy_m", "speed_mps", "heading")),
        [f.get("battery_pct", absent) for f in fixes],
        [now] * len(fixes),
    ]


def _server_env() -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=DB_URL,
        DEBUG="false",
        SECRET_KEY="bench-only-4fK9qLm2Xv7RtY8wZp3NcB6hJd1sGe5uAo0iTy2W",  # noqa: S106
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CELERY_BROKER_URL="",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def _prepare_database(env: dict, devices: int) -> dict:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB_NAME}"], check=True
    )
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DB_NAME}"], check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    code = f"import json; from seeds.loadgen import setup_fleet; print(json.dumps(setup_fleet({devices})))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _start_gunicorn(env: dict, workers: int, threads: int, worker_class: str) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            worker_class,
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
    )
    from seeds.loadgen import Poster

    for _ in range(100):
        try:
            Poster(f"http://127.0.0.1:{PORT}", "none").post("/api/v1/feeds/positions", b"{}")
            return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _warm_up(fleet: dict) -> None:
    # The first batches of each worker (its first queries, its caches) stay out of the figures.
    _measure(fleet, 8, 1000, 4, None, hours_back=4)


def _split_for_probe(fleet: dict) -> tuple[dict, dict]:
    """Keep a tenth of the devices for the probe: its fixes never wait for a batch's lock on the same device."""
    cut = len(fleet["members"]) * 9 // 10
    return {**fleet, "members": fleet["members"][:cut]}, {**fleet, "members": fleet["members"][cut:]}


class _Probe:
    """Post one-fix requests at a fixed rate in a thread; time each from its scheduled send."""

    def __init__(self, fleet: dict, rate: float, seconds: float) -> None:
        self.fleet, self.interval = fleet, 1 / rate
        self.bodies = _bodies(fleet, int(rate * seconds * 1.5) + 10, 1)
        self.latencies, self.failures, self.stopping = [], [], threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        from seeds.loadgen import Poster

        poster = Poster(f"http://127.0.0.1:{PORT}", self.fleet["key"])
        start = time.perf_counter()
        for k, body in enumerate(self.bodies):
            due = start + k * self.interval
            time.sleep(max(0.0, due - time.perf_counter()))
            if self.stopping.is_set():
                return
            status, answer = poster.post("/api/v1/feeds/positions", body)
            _record(self.latencies, self.failures, 1, time.perf_counter() - due, status, answer)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> dict:
        self.stopping.set()
        self.thread.join()
        return {"requests": len(self.latencies), **_latency_figures(self.latencies, self.failures)}


def _bodies(fleet: dict, requests: int, size: int, hours_back: float = 2) -> list[bytes]:
    from seeds.loadgen import FixStream

    # Timestamps rise a second per batch from hours_back ago: separate phases use separate hours, never duplicates.
    start = datetime.now(UTC) - timedelta(hours=hours_back)
    stream = FixStream(fleet["members"], 0.05, seed=requests * 7 + size, start=start)
    return [json.dumps({"fixes": stream.batch(size)}).encode() for _ in range(requests)]


def _measure(
    fleet: dict,
    requests: int,
    size: int,
    clients: int,
    label: str | None,
    server: subprocess.Popen | None = None,
    hours_back: float = 2,
    profile: WorkerProfile | None = None,
) -> dict:
    from seeds.loadgen import Poster

    bodies = _bodies(fleet, requests, size, hours_back)
    latencies, failures, lock = [], [], threading.Lock()

    def client(mine: list[bytes]) -> None:
        poster = Poster(f"http://127.0.0.1:{PORT}", fleet["key"])
        for body in mine:
            started = time.perf_counter()
            status, answer = poster.post("/api/v1/feeds/positions", body)
            with lock:
                _record(latencies, failures, size, time.perf_counter() - started, status, answer)

    threads = [threading.Thread(target=client, args=(bodies[i::clients],)) for i in range(clients)]
    figures = _figures(requests, size, latencies, failures, _run(threads, server, requests, size, profile))
    if label:
        print(f"{label}: {figures}", file=sys.stderr)
    return figures


def _measure_open(
    fleet: dict,
    requests: int,
    size: int,
    rate: float,
    connections: int,
    server,
    phase: str,
    hours_back: float = 2,
    probe: "_Probe | None" = None,
    profile: WorkerProfile | None = None,
) -> dict:
    """Send batches on a fixed schedule; time each from its scheduled send, not from when a connection was free.

    The onset phase (the first seconds of load at the offered rate) is reported apart from the sustained one:
    on a freshly seeded database its first seconds were up to ten times slower (docs/BENCHMARKS.md).
    """
    from seeds.loadgen import Poster

    bodies = _bodies(fleet, requests, size, hours_back)
    interval = size / rate
    latencies, failures, lock, late = [], [], threading.Lock(), []
    next_batch = iter(range(requests))
    start = time.perf_counter() + 0.2

    def sender() -> None:
        poster = Poster(f"http://127.0.0.1:{PORT}", fleet["key"])
        while True:
            with lock:
                k = next(next_batch, None)
            if k is None:
                return
            due = start + k * interval
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            else:
                late.append(-wait)  # every connection was busy: the wait counts in the latency
            status, answer = poster.post("/api/v1/feeds/positions", bodies[k])
            with lock:
                _record(latencies, failures, size, time.perf_counter() - due, status, answer)

    threads = [threading.Thread(target=sender) for _ in range(connections)]
    if probe:
        probe.start()
    figures = _figures(requests, size, latencies, failures, _run(threads, server, requests, size, profile))
    figures["offered_fixes_per_s"] = rate
    figures["sent_behind_schedule"] = len(late)
    if probe:
        figures["probe_one_fix_requests"] = probe.stop()
    print(f"open loop at {rate:g} fixes/s, batches of {size:,}, {phase}: {figures}", file=sys.stderr)
    return figures


def _record(latencies: list, failures: list, size: int, elapsed: float, status: int, answer: bytes) -> None:
    """Note one answer's latency, and the answer itself unless all its fixes were accepted."""
    latencies.append(elapsed)
    if status != 202 or json.loads(answer)["accepted"] != size:
        failures.append((status, answer[:200]))


def _run(
    threads: list[threading.Thread], server, requests: int, size: int, profile: WorkerProfile | None = None
) -> dict:
    """Run the client threads to the end; return the CPU they and the server used (and the workers' profile)."""
    waits = BackendWaits(_PG_DSN, DB_NAME) if profile else None
    if profile:
        profile.start()
        waits.start()
    cpu = _CpuMeter(server)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    figures = cpu.stop(requests)
    if profile:
        figures["worker_profile"] = profile.stop(figures["gunicorn_cpu_ms_per_request"] * 1000 / size)
        figures["backend_states"] = waits.stop()
        print(report(figures["worker_profile"]), report_waits(figures["backend_states"]), sep="\n", file=sys.stderr)
    return figures


def _figures(requests: int, size: int, latencies: list, failures: list, cpu: dict) -> dict:
    wall = cpu.pop("wall_s")
    return {
        "requests": requests,
        "fixes_per_request": size,
        "fixes_per_s": round(requests * size / wall),
        "requests_per_s": round(requests / wall, 1),
        **_latency_figures(latencies, failures),
        **cpu,
    }


def _latency_figures(latencies: list, failures: list) -> dict:
    """p50, p99 and max in ms of latencies in seconds, and the failures' count (the first one printed)."""
    if failures:
        print(f"{len(failures)} failed requests, first: {failures[0]}", file=sys.stderr)
    ordered = sorted(latencies)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "failures": len(failures),
    }


class _CpuMeter:
    """CPU used during a measurement, as shares of the machine's cores: this load generator, gunicorn, everyone.

    PostgreSQL backends come and go (Django reconnects after DB_CONN_MAX_AGE), so they are sampled every
    half second: a backend's CPU counts from the start, or from its birth if it was born during the run.
    """

    def __init__(self, server: subprocess.Popen | None) -> None:
        self.workers = children(server.pid) if server else []
        self.backends = {pid: [cpu_seconds([pid])] * 2 for pid in _pg_backends()}
        self.done = threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()
        self.load = os.getloadavg()[0]
        self.wall, self.own, self.gunicorn, self.machine = (
            time.perf_counter(),
            time.process_time(),
            cpu_seconds(self.workers),
            _machine_busy(),
        )

    def _sample(self) -> None:
        while not self.done.wait(0.5):
            for pid in _pg_backends():
                first_last = self.backends.setdefault(pid, [0.0, 0.0])  # born during the run: counts from 0
                first_last[1] = max(first_last[1], cpu_seconds([pid]))

    def stop(self, requests: int) -> dict:
        wall = time.perf_counter() - self.wall
        self.done.set()
        self.sampler.join()
        capacity = wall * os.cpu_count()
        busy, stolen, total = (a - b for a, b in zip(_machine_busy(), self.machine, strict=True))
        gunicorn = cpu_seconds(self.workers) - self.gunicorn
        postgres = sum(last - first for first, last in self.backends.values())
        return {
            "wall_s": wall,
            # Load-independent: CPU per request of the web workers and of their PostgreSQL backends.
            "gunicorn_cpu_ms_per_request": round(1000 * gunicorn / requests, 1),
            "postgres_cpu_ms_per_request": round(1000 * postgres / requests, 1),
            "client_cpu_share": round((time.process_time() - self.own) / capacity, 3),
            "gunicorn_cpu_share": round(gunicorn / capacity, 3),
            "machine_busy_share": round(busy / total, 3) if total else None,
            # Time the hypervisor ran something else on this machine's cores (counted in busy above).
            "machine_steal_share": round(stolen / total, 3) if total else None,
            "load_average": f"{self.load:.1f} -> {os.getloadavg()[0]:.1f}",
        }


def _pg_backends() -> list[int]:
    """Return the pids of the PostgreSQL backends connected to the bench database (same machine)."""
    import psycopg

    if "conn" not in _PG:
        _PG["conn"] = psycopg.connect(_PG_DSN, autocommit=True)
    rows = _PG["conn"].execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [DB_NAME]
    )
    return [pid for (pid,) in rows.fetchall()]


_PG: dict = {}
_PG_DSN = "host=127.0.0.1 user=postgres dbname=postgres"


def _machine_busy() -> tuple[int, int, int]:
    """Return (busy, stolen, total) jiffies of all cores since boot; stolen time counts as busy."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, values[7], sum(values)


def _peak_memory_mb(server: subprocess.Popen) -> float:
    """Return the largest peak RSS (VmHWM) among the gunicorn workers."""
    peaks = []
    for pid in children(server.pid):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return round(max(peaks, default=0.0), 1)


if __name__ == "__main__":
    main()
