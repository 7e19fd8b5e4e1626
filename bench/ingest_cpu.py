"""CPU per 1,000-fix feed batch, in-process through the full Django stack: Python and PostgreSQL backend.

A load-independent companion to bench_ingest.py: on a shared machine the wall-clock figures move with the
neighbours' load, CPU seconds much less. Seeds 10,000 devices (5 % inside a zone), posts 30 warm-up
batches, then measures 30.

    BENCH_DB=banwatch_perf_bench .venv/bin/python bench/ingest_cpu.py
    BENCH_DB=banwatch_perf_bench .venv/bin/python bench/ingest_cpu.py --profile /tmp/ingest.prof   # cProfile too
"""

import argparse
import cProfile
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = os.environ.get("BENCH_DB", "banwatch_ingest_bench")
os.environ.update(
    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    DEBUG="false",
    SECRET_KEY="bench-only-secret",  # noqa: S106
    SECURE_SSL_REDIRECT="false",
    SECURE_COOKIES="false",
    ALLOWED_HOSTS="testserver",
    CELERY_BROKER_URL="",
    LOG_LEVEL="WARNING",
    DJANGO_SETTINGS_MODULE="config.settings",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", help="write cProfile stats of the measured batches to this file")
    parser.add_argument("--batches", type=int, default=30, help="measured batches (after as many of warm-up)")
    args = parser.parse_args()
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME}", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
    import django

    django.setup()
    gc.freeze()  # as config/wsgi.py does in a gunicorn worker
    from django.db import connection
    from django.test import Client

    from seeds.loadgen import FixStream, setup_fleet

    fleet = setup_fleet(10_000)
    stream = FixStream(fleet["members"], 0.05, seed=3)
    bodies = [json.dumps({"fixes": stream.batch(1000)}) for _ in range(2 * args.batches)]
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Api-Key {fleet['key']}"}

    def post(body: str) -> None:
        answer = client.post("/api/v1/feeds/positions", body, content_type="application/json", **auth)
        assert answer.status_code == 202, answer.content[:200]

    for body in bodies[: args.batches]:
        post(body)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    print("tracked objects after warm-up:", len(gc.get_objects()), file=sys.stderr)
    pauses = _GcPauses()
    profiler = cProfile.Profile() if args.profile else None
    python, postgres, wall = time.process_time(), _cpu_seconds(backend), time.perf_counter()
    if profiler:
        profiler.enable()
    for body in bodies[args.batches :]:
        post(body)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    n = args.batches
    pauses.stop()
    print(
        f"per 1,000-fix batch: Python CPU {1000 * (time.process_time() - python) / n:.0f} ms, "
        f"PostgreSQL backend CPU {1000 * (_cpu_seconds(backend) - postgres) / n:.0f} ms, "
        f"wall {1000 * (time.perf_counter() - wall) / n:.0f} ms (garbage collector {pauses.per_batch(n)}); "
        f"load average {os.getloadavg()[0]:.1f}"
    )


class _GcPauses:
    """Sum the garbage collector's pauses per generation (a full collection walks every live object)."""

    def __init__(self) -> None:
        self.total, self.count, self.started = [0.0, 0.0, 0.0], [0, 0, 0], 0.0
        gc.callbacks.append(self)

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.total[info["generation"]] += time.perf_counter() - self.started
            self.count[info["generation"]] += 1

    def stop(self) -> None:
        gc.callbacks.remove(self)

    def per_batch(self, n: int) -> str:
        return ", ".join(f"gen{g} {self.count[g]}x {1000 * self.total[g] / n:.1f} ms" for g in range(3))


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
