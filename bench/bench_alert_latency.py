"""Alert latency: from the HTTP answer for an entering fix to the message's arrival on police.alerts.

Starts gunicorn (port 8103) and real Celery workers (one on `delivery`, one on
`default,ingest`) against PostgreSQL, posts a background load of fixes outside
every zone, and meanwhile, one at a time, an entering fix for a fresh subject.
A consumer on the police queue stamps each message's arrival. Prints p50/p99.

    python bench/bench_alert_latency.py --queue redis [--quick]
    python bench/bench_alert_latency.py --queue amqp  [--quick]
    python bench/bench_alert_latency.py --rate 10000 --workers 2 --threads 1   # another web layout

Needs PostgreSQL (creates database banwatch_alerts_bench), Redis DB 3 as the
Celery broker (DB 4 as the police queue), and for --queue amqp the RabbitMQ vhost banwatch_bench.
"""

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
# Other runs on the same machine: database, Redis DB and port can be moved out of their way.
DB_NAME = os.environ.get("BENCH_DB", "banwatch_alerts_bench")
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_DB = os.environ.get("BENCH_REDIS_DB", "3")
# The police queue never shares the Celery broker's database (system check alerts.E003).
QUEUE_REDIS_DB = os.environ.get("BENCH_QUEUE_REDIS_DB", str(int(REDIS_DB) + 1))
QUEUES = {
    "redis": f"redis://127.0.0.1:6379/{QUEUE_REDIS_DB}",
    "amqp": os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/banwatch_bench"),
}
PORT = int(os.environ.get("BENCH_PORT", "8103"))
HOME = (52.0907, 5.1214)


def environment(queue_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=DB_URL,
        CELERY_BROKER_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        POLICE_QUEUE_URL=queue_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
        # DEBUG off as in production (DEBUG on keeps every SQL statement in memory).
        DEBUG="false",
        SECRET_KEY="bench-only-4fK9qLm2Xv7RtY8wZp3NcB6hJd1sGe5uAo0iTy2W",  # noqa: S106
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    return env


def prepare_database(env: dict) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {DB_NAME}"])
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {DB_NAME}"])
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=REPO, env=env, check=True)


def seed(background: int, samples: int) -> tuple[str, list[str], list[str]]:
    """Create a vendor with a key, background devices far from their zones, and one fresh subject per sample."""
    from geofence.testing import make_ban, make_device, make_vendor

    vendor, key = make_vendor("bench")
    devices = [make_device(vendor, f"BG-{i:05d}", person=make_ban().person).device_id for i in range(background)]
    targets = [make_device(vendor, f"T-{i:05d}", person=make_ban().person).device_id for i in range(samples)]
    return key, devices, targets


def start(env: dict, logdir: Path, workers: int, threads: int) -> list[subprocess.Popen]:
    def spawn(name, command):
        log = open(logdir / f"{name}.log", "w")  # noqa: SIM115 - lives as long as the process
        return subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{PORT}"]
    celery = [sys.executable, "-m", "celery", "-A", "config", "worker", "--without-mingle", "--without-gossip"]
    return [
        spawn("gunicorn", [*gunicorn, "-w", str(workers), "--threads", str(threads), "--timeout", "120"]),
        spawn("delivery", [*celery, "-Q", "delivery", "-c", "1", "-n", "delivery@%h"]),
        spawn("ingest", [*celery, "-Q", "default,ingest", "-c", "2", "-n", "ingest@%h"]),
    ]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def post(conn: http.client.HTTPConnection, key: str, fixes: list[dict]) -> int:
    body = json.dumps({"fixes": fixes})
    headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
    conn.request("POST", "/api/v1/feeds/positions", body, headers)
    response = conn.getresponse()
    response.read()
    return response.status


def fix(device: str, ts: datetime, lat: float, lon: float) -> dict:
    return {"device": device, "ts": ts.isoformat(), "lat": lat, "lon": lon, "accuracy_m": 5.0}


def background_load(key: str, devices: list[str], rate: int, stop_event: threading.Event, sent: list) -> None:
    """Post `rate` fixes per second in 10 batches a second, all well outside every zone (60 km north)."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    per_batch, tick = max(rate // 10, 1), 0
    start_ts = datetime.now(UTC) - timedelta(hours=1)
    while not stop_event.is_set():
        began = time.monotonic()
        ts = start_ts + timedelta(seconds=tick)
        chosen = [devices[(tick * per_batch + i) % len(devices)] for i in range(per_batch)]
        batch = [fix(device, ts + timedelta(milliseconds=i), 52.63, 5.12) for i, device in enumerate(chosen)]
        if post(conn, key, batch) < 300:
            sent.append(len(batch))
        tick += 1
        time.sleep(max(0.0, 0.1 - (time.monotonic() - began)))


def consume(queue_url: str, arrivals: dict, stop_event: threading.Event) -> None:
    from geofence.alerts.police_queue import PoliceQueue

    while not stop_event.is_set():
        for alert, message in PoliceQueue(queue_url).receive(timeout=1.0):
            arrivals.setdefault(alert.body["device"]["id"], time.time())
            message.ack()
            if stop_event.is_set():
                break


def report_stages(targets: list[str], answers: dict, arrivals: dict) -> None:
    """Split the latency: HTTP answer -> outbox commit (evaluation), outbox commit -> arrival (delivery)."""
    from geofence.alerts.models import AlertOutbox

    rows = {r.message["device"]["id"]: r for r in AlertOutbox.objects.all() if (r.message.get("device") or {})}
    ingest, delivery = [], []
    for target in targets:
        if target in rows and target in arrivals:
            committed = rows[target].created_at.timestamp()
            ingest.append(committed - answers[target])
            delivery.append(arrivals[target] - committed)
    for name, values in (("answer -> outbox row", ingest), ("outbox row -> police queue", delivery)):
        if values:
            p50, p99 = statistics.median(values) * 1000, percentile(values, 99) * 1000
            print(f"  {name}: p50={p50:.0f} ms p99={p99:.0f} ms")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queue", choices=QUEUES, default="redis")
    parser.add_argument("--quick", action="store_true", help="CI size: 20 samples, under a minute")
    parser.add_argument("--samples", type=int, default=None)
    parser.add_argument("--rate", type=int, default=1000, help="background fixes per second")
    # The web layout docs/operations.md recommends for a 2-core host.
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    args = parser.parse_args()
    samples = args.samples or (20 if args.quick else 200)
    queue_url = QUEUES[args.queue]
    if args.queue == "amqp" and "BENCH_AMQP_URL" not in os.environ:
        from harness import ensure_vhost  # a fresh machine has only RabbitMQ's default vhost

        queue_url = ensure_vhost("banwatch_bench")
    env = environment(queue_url)
    os.environ.update(env)
    prepare_database(env)

    import django

    django.setup()
    from geofence.alerts.police_queue import PoliceQueue

    key, devices, targets = seed(background=200 if args.quick else 500, samples=samples)
    PoliceQueue(queue_url).purge()
    logdir = REPO / "var" / "bench-logs"
    logdir.mkdir(parents=True, exist_ok=True)
    processes = start(env, logdir, args.workers, args.threads)
    stop_event, arrivals, answers, sent, sent_at = threading.Event(), {}, {}, [], {}
    try:
        time.sleep(8)  # gunicorn and both workers up
        threads = [
            threading.Thread(target=consume, args=(queue_url, arrivals, stop_event), daemon=True),
            threading.Thread(target=background_load, args=(key, devices, args.rate, stop_event, sent), daemon=True),
        ]
        for thread in threads:
            thread.start()
        time.sleep(2)
        load_started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for target in targets:
            inside = fix(target, datetime.now(UTC), HOME[0] + 0.01, HOME[1])
            sent_at[target] = time.time()
            status = post(conn, key, [inside])
            answers[target] = time.time()
            assert status < 300, status
            time.sleep(0.25)
        deadline = time.time() + 30
        while len(arrivals) < len(targets) and time.time() < deadline:
            time.sleep(0.2)
        load_seconds = time.monotonic() - load_started
    finally:
        stop_event.set()
        stop(processes)

    latencies = [arrivals[t] - answers[t] for t in targets if t in arrivals]
    report_stages(targets, answers, arrivals)
    print(f"queue={args.queue} samples={len(targets)} arrived={len(latencies)}")
    print(f"background load: {sum(sent) / load_seconds:.0f} fixes/s accepted (asked {args.rate})")
    if latencies:
        print(
            f"latency HTTP answer -> police queue: p50={statistics.median(latencies) * 1000:.0f} ms "
            f"p99={percentile(latencies, 99) * 1000:.0f} ms max={max(latencies) * 1000:.0f} ms"
        )
        whole = [arrivals[t] - sent_at[t] for t in targets if t in arrivals]
        print(
            f"latency request sent -> police queue: p50={statistics.median(whole) * 1000:.0f} ms "
            f"p99={percentile(whole, 99) * 1000:.0f} ms max={max(whole) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
