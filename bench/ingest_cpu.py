"""CPU per feed batch (1,000 fixes unless `--size`), in-process through the full Django stack: Python and PostgreSQL.

A load-independent companion to bench_ingest.py: on a shared machine the wall-clock figures move with the
load of other processes, CPU seconds much less. Seeds 10,000 devices (5 % inside a zone), posts 30 warm-up
batches, then measures 3 rounds of 30 and prints each and the lowest.

    BENCH_DB=banwatch_perf_bench .venv/bin/python bench/ingest_cpu.py
    BENCH_DB=banwatch_perf_bench .venv/bin/python bench/ingest_cpu.py --profile /tmp/ingest.prof  # cProfile, CPU time
    BENCH_DB=banwatch_perf_bench .venv/bin/python bench/ingest_cpu.py --sections  # CPU per step, no profiler
    BENCH_DB=banwatch_perf_bench .venv/bin/python bench/ingest_cpu.py --size 1  # one fix per request
    BENCH_DB=banwatch_perf_bench .venv/bin/python bench/ingest_cpu.py --onset  # CPU per incident opened
    BENCH_DB=banwatch_perf_bench .venv/bin/python bench/ingest_cpu.py --store-only  # storing without evaluating

`--onset` measures the warm-up batches one by one instead: the fleet's 500 inside devices enter their zones
there, so those batches open dozens of incidents each. A least-squares line through (incidents opened, CPU)
gives the CPU of one opening, its alert delivered in-process as the embedded default does (the incident,
its timeline row, the message, the outbox row, the publish), and of a batch that opens none.

`--store-only` runs the feed as with FEED_EVALUATE_IN_REQUEST=false: each batch stores its fixes and queues
their evaluation on a real Celery broker (Redis database BENCH_REDIS_DB, default 12, emptied before and
after), which nobody consumes. Its figure is what storing alone costs, the part of a batch that no batched
evaluator elsewhere can take off the request.

`--sections` times the steps of a batch (SECTIONS) with a wrapper each instead of a profiler, which
multiplies the cost of every Python call: Python CPU from the process clock, PostgreSQL CPU from the
backend's /proc counters (10 ms ticks, so only the sum over many batches means something). Nested steps
count in their parents too.
"""

import argparse
import cProfile
import gc
import importlib
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from procstat import cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = os.environ.get("BENCH_DB", "banwatch_ingest_bench")
os.environ.update(
    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    DEBUG="false",
    SECRET_KEY="bench-only-4fK9qLm2Xv7RtY8wZp3NcB6hJd1sGe5uAo0iTy2W",  # noqa: S106
    SECURE_SSL_REDIRECT="false",
    SECURE_COOKIES="false",
    ALLOWED_HOSTS="testserver",
    CELERY_BROKER_URL="",
    LOG_LEVEL="WARNING",
    DJANGO_SETTINGS_MODULE="config.settings",
)


# Steps of a feed batch, outermost first: "module:function" or "module:Class.method", looked up where called.
SECTIONS = (
    "geofence.feeds.services:store_fixes",
    "geofence.feeds.api:read_batch",
    "geofence.feeds.services:validate_fixes",
    "geofence.feeds.services:resolve_devices",
    "geofence.feeds.services:current_catalogue",
    "geofence.feeds.services:lock_devices",
    "geofence.feeds.services:insert_and_record",
    "geofence.feeds.services:record_and_evaluate",
    "geofence.incidents.evaluation:tracks_of",
    "geofence.incidents.evaluation:evaluate",
    "geofence.incidents.evaluation:_previous_fixes",
    "geofence.incidents.tracking:ZoneIncidents.__init__",
    "geofence.incidents.tracking:ZoneIncidents.run",
    "geofence.incidents.tracking:ZoneIncidents._save_tracks",
    "geofence.incidents.tracking:ZoneIncidents._save_stats",
    "geofence.incidents.clocks:record_offsets",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", help="write cProfile stats of the measured batches to this file")
    parser.add_argument("--batches", type=int, default=30, help="batches per round (after as many of warm-up)")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds; the lowest CPU is reported too")
    parser.add_argument("--sections", action="store_true", help="print the CPU of each step in SECTIONS per batch")
    parser.add_argument("--size", type=int, default=1000, help="fixes per batch (1: one fix per request)")
    parser.add_argument("--onset", action="store_true", help="print the CPU per incident opened in the warm-up")
    parser.add_argument("--store-only", action="store_true", help="queue each batch's evaluation instead of running it")
    args = parser.parse_args()
    if args.store_only and args.onset:
        parser.error("--onset counts incidents opened by evaluation, which --store-only leaves to a worker")
    if args.store_only:
        broker = f"redis://127.0.0.1:6379/{os.environ.get('BENCH_REDIS_DB', '12')}"
        os.environ.update(CELERY_BROKER_URL=broker, FEED_EVALUATE_IN_REQUEST="false")
        _empty_redis(broker)
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME}", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
    from django.db import connection
    from django.test import Client

    import config.wsgi  # noqa: F401 - sets Django up and tunes the garbage collector as in a gunicorn worker
    from seeds.loadgen import FixStream, setup_fleet

    fleet = setup_fleet(10_000)
    stream = FixStream(fleet["members"], 0.05, seed=3)
    bodies = [json.dumps({"fixes": stream.batch(args.size)}) for _ in range((args.rounds + 1) * args.batches)]
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Api-Key {fleet['key']}"}

    def post(body: str) -> None:
        answer = client.post("/api/v1/feeds/positions", body, content_type="application/json", **auth)
        assert answer.status_code == 202, answer.content[:200]

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    post(bodies[0])  # builds the zone catalogue
    if args.onset:
        _onset(bodies[1 : args.batches], post, backend)
        return
    for body in bodies[1 : args.batches]:
        post(body)
    sections = _Sections(backend) if args.sections else None
    # CPU time, not wall: waiting for PostgreSQL shows in its backend's figure, not as Python time.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    rounds = []
    for r in range(1, args.rounds + 1):
        pauses = _GcPauses()
        python, postgres, wall = time.process_time(), cpu_seconds([backend]), time.perf_counter()
        if profiler:
            profiler.enable()
        for body in bodies[r * args.batches : (r + 1) * args.batches]:
            post(body)
        if profiler:
            profiler.disable()
        n = args.batches
        pauses.stop()
        rounds.append((1000 * (time.process_time() - python) / n, 1000 * (cpu_seconds([backend]) - postgres) / n))
        print(
            f"round {r}: per {args.size:,}-fix batch Python CPU {rounds[-1][0]:.0f} ms, PostgreSQL backend CPU "
            f"{rounds[-1][1]:.0f} ms, wall {1000 * (time.perf_counter() - wall) / n:.0f} ms "
            f"(garbage collector {pauses.per_batch(n)}); load average {os.getloadavg()[0]:.1f}"
        )
    if profiler:
        profiler.dump_stats(args.profile)
    if args.store_only:
        _empty_redis(os.environ["CELERY_BROKER_URL"])
    if sections:
        sections.print(args.rounds * args.batches, args.size)
    # Other processes only ever add CPU time (cache misses, stolen cycles): the lowest round is the closest to idle.
    print(
        f"per {args.size:,}-fix batch, best of {args.rounds} rounds: Python CPU {min(r[0] for r in rounds):.0f} ms, "
        f"PostgreSQL backend CPU {min(r[1] for r in rounds):.0f} ms; load average {os.getloadavg()[0]:.1f}"
    )


def _onset(bodies: list[str], post, backend: int) -> None:
    from geofence.models import Incident

    opened, cpu = [], []
    for body in bodies:
        before, python, postgres = Incident.objects.count(), time.process_time(), cpu_seconds([backend])
        post(body)
        cpu.append(1000 * (time.process_time() - python + cpu_seconds([backend]) - postgres))
        opened.append(Incident.objects.count() - before)
    per_incident, per_batch = np.polyfit(opened, cpu, 1)
    print(
        f"onset, {len(bodies)} batches after the first: {sum(opened)} incidents opened ({max(opened)} in the "
        f"busiest batch); Python + PostgreSQL CPU {per_incident:.2f} ms per incident opened and delivered, "
        f"{per_batch:.0f} ms per batch opening none; the busiest batch took {max(cpu):.0f} ms"
    )


class _Sections:
    """Python and PostgreSQL-backend CPU of each step in SECTIONS, summed over the calls."""

    def __init__(self, backend: int) -> None:
        self.backend = backend
        self.python: dict[str, float] = defaultdict(float)
        self.postgres: dict[str, float] = defaultdict(float)
        for spec in SECTIONS:
            self._wrap(spec)

    def _wrap(self, spec: str) -> None:
        module, name = spec.split(":")
        owner = importlib.import_module(module)
        *classes, attribute = name.split(".")
        for cls in classes:
            owner = getattr(owner, cls)
        inner = getattr(owner, attribute)

        def timed(*args, **kwargs):
            python, postgres = time.process_time(), cpu_seconds([self.backend])
            try:
                return inner(*args, **kwargs)
            finally:
                self.python[spec] += time.process_time() - python
                self.postgres[spec] += cpu_seconds([self.backend]) - postgres

        setattr(owner, attribute, timed)

    def print(self, batches: int, size: int) -> None:
        print(f"\nper {size:,}-fix batch, {batches} batches (nested steps count in their parents too):")
        print(f"{'step':<58}{'Python ms':>10}{'PG ms':>8}")
        for spec in SECTIONS:
            python, postgres = 1000 * self.python[spec] / batches, 1000 * self.postgres[spec] / batches
            print(f"{spec:<58}{python:>10.2f}{postgres:>8.2f}")


def _empty_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


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


if __name__ == "__main__":
    main()
