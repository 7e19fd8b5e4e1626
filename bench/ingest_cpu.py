"""CPU per 1,000-fix feed batch, in-process through the full Django stack: Python and PostgreSQL backend.

A load-independent companion to bench_ingest.py: on a shared machine the wall-clock figures move with the
neighbours' load, CPU seconds much less. Seeds 10,000 devices (5 % inside a zone), posts 30 warm-up
batches, then measures 30.

    BENCH_DB=banwatch_perf_bench /work/venv/bin/python bench/ingest_cpu.py
"""

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
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME}", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from seeds.loadgen import FixStream, setup_fleet

    fleet = setup_fleet(10_000)
    stream = FixStream(fleet["members"], 0.05, seed=3)
    bodies = [json.dumps({"fixes": stream.batch(1000)}) for _ in range(60)]
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Api-Key {fleet['key']}"}

    def post(body: str) -> None:
        answer = client.post("/api/v1/feeds/positions", body, content_type="application/json", **auth)
        assert answer.status_code == 202, answer.content[:200]

    for body in bodies[:30]:
        post(body)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    python, postgres, wall = time.process_time(), _cpu_seconds(backend), time.perf_counter()
    for body in bodies[30:]:
        post(body)
    n = len(bodies) - 30
    print(
        f"per 1,000-fix batch: Python CPU {1000 * (time.process_time() - python) / n:.0f} ms, "
        f"PostgreSQL backend CPU {1000 * (_cpu_seconds(backend) - postgres) / n:.0f} ms, "
        f"wall {1000 * (time.perf_counter() - wall) / n:.0f} ms; load average {os.getloadavg()[0]:.1f}"
    )


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
