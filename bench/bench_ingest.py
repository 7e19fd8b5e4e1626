"""Feed ingestion through HTTP: gunicorn + PostgreSQL, batches of 1,000 fixes from 10,000 devices, 5 % inside.

Prints fixes/s, p50/p99 latency per batch and the workers' peak memory, then the same for one fix per
request. Evaluation runs inside each request (Celery eager, the embedded default), so the figures
include storing, the engine and the incident bookkeeping.

    /work/venv/bin/python bench/bench_ingest.py            # full run
    /work/venv/bin/python bench/bench_ingest.py --quick    # under a minute, for CI
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Colleagues benchmark on the same machine: database and port can be moved out of each other's way.
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
    args = parser.parse_args()
    devices = args.devices or (2000 if args.quick else 10_000)
    batches = args.batches or (40 if args.quick else 300)
    singles = 200 if args.quick else 2000

    env = _server_env()
    fleet = _prepare_database(env, devices)
    server = _start_gunicorn(env, args.workers, args.threads)
    try:
        _warm_up(fleet)
        batch = _measure(fleet, batches, 1000, args.clients, "batches of 1,000 fixes")
        memory = _peak_memory_mb(server)
        single = _measure(fleet, singles, 1, args.clients, "one fix per request")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        json.dumps(
            {
                "devices": devices,
                "workers": args.workers,
                "threads": args.threads,
                "clients": args.clients,
                "batch": batch,
                "single": single,
                "peak_worker_rss_mb": memory,
            },
            indent=2,
        )
    )


def _server_env() -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=DB_URL,
        DEBUG="false",
        SECRET_KEY="bench-only-secret",  # noqa: S106
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


def _start_gunicorn(env: dict, workers: int, threads: int) -> subprocess.Popen:
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
    # Each worker builds its zone index once; keep that out of the figures.
    _measure(fleet, 8, 1000, 4, None)


def _measure(fleet: dict, requests: int, size: int, clients: int, label: str | None) -> dict:
    from seeds.loadgen import FixStream, Poster

    stream = FixStream(fleet["members"], 0.05, seed=requests * 7 + size)
    bodies = [json.dumps({"fixes": stream.batch(size)}).encode() for _ in range(requests)]
    latencies, failures, lock = [], [], threading.Lock()

    def client(mine: list[bytes]) -> None:
        poster = Poster(f"http://127.0.0.1:{PORT}", fleet["key"])
        for body in mine:
            started = time.perf_counter()
            status, answer = poster.post("/api/v1/feeds/positions", body)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 202 or json.loads(answer)["accepted"] != size:
                    failures.append((status, answer[:200]))

    threads = [threading.Thread(target=client, args=(bodies[i::clients],)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if failures:
        print(f"{len(failures)} failed requests, first: {failures[0]}", file=sys.stderr)
    ordered = sorted(latencies)
    figures = {
        "requests": requests,
        "fixes_per_request": size,
        "fixes_per_s": round(requests * size / wall),
        "requests_per_s": round(requests / wall, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 1),
        "failures": len(failures),
    }
    if label:
        print(f"{label}: {figures}", file=sys.stderr)
    return figures


def _peak_memory_mb(server: subprocess.Popen) -> float:
    """Return the largest peak RSS (VmHWM) among the gunicorn workers."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return round(max(peaks, default=0.0), 1)


if __name__ == "__main__":
    main()
