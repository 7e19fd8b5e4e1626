"""Soak: sustained feed ingestion with incidents and alerts flowing, memory sampled, nothing lost.

Production layout on this host: gunicorn (2 workers x 2 threads, DEBUG off), a Celery worker on `delivery`,
one on `default,ingest`, Celery beat (sweeper, canaries, silent devices), PostgreSQL, Redis as the Celery
broker, the police queue on Redis or RabbitMQ, and a consumer reading it. The load posts `--rate` fixes/s
from `--devices` devices; `--movers` of them cross their zone boundary every `--cycle` seconds, so
incidents open and close all along. Prints, per window: fixes/s accepted, p50/p99 batch latency, p50/p99
alert latency (entering fix taken -> arrival on the police queue, for opened and escalated alerts), p50/p99
delivery latency (message created in the request -> arrival, every alert) and the load average; per process: RSS after
warm-up, at the end and the growth; and the counts: fixes sent/accepted/stored, alerts produced/delivered/
duplicated/lost.

    python bench/soak.py                      # 30 minutes at 2,000 fixes/s, 10,000 devices
    python bench/soak.py --minutes 2          # CI: windows of 30 s, warm-up 30 s

Needs PostgreSQL on 127.0.0.1:5432 (creates database banwatch_soak), Redis on 6379 (DBs 12 and 13, flushed),
and for --queue amqp RabbitMQ with the vhost banwatch_soak (created with rabbitmqctl when missing).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import feedload  # noqa: E402 - bench/ is not a package
import harness  # noqa: E402


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rate", type=float, default=2000, help="fixes per second")
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500, help="fixes per request")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--movers", type=float, default=0.02, help="share of devices crossing their boundary")
    parser.add_argument("--cycle", type=float, default=200, help="seconds per in-and-out cycle of a mover")
    parser.add_argument("--window-minutes", type=float, help="latency window (default 5, or 0.5 under 10 minutes)")
    parser.add_argument("--warmup-minutes", type=float, help="memory baseline after this (default = one window)")
    parser.add_argument("--sample-seconds", type=float, help="RSS sample period (default 60, or 15 under 10 min)")
    parser.add_argument("--queue", choices=["redis", "amqp"], default="redis", help="police queue transport")
    parser.add_argument("--db", default=os.environ.get("SOAK_DB", "banwatch_soak"))
    parser.add_argument("--redis", default=os.environ.get("SOAK_REDIS", "redis://127.0.0.1:6379"))
    parser.add_argument("--redis-dbs", default="12,13", help="Celery broker DB, police queue DB (both flushed)")
    parser.add_argument("--amqp-vhost", default=os.environ.get("SOAK_AMQP_VHOST", "banwatch_soak"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("SOAK_PORT", "8140")))
    parser.add_argument("--out", type=Path, default=harness.REPO / "var" / "soak")
    args = parser.parse_args()
    short = args.minutes < 10
    args.window_minutes = args.window_minutes or (0.5 if short else 5)
    args.warmup_minutes = args.warmup_minutes if args.warmup_minutes is not None else args.window_minutes
    args.sample_seconds = args.sample_seconds or (15 if short else 60)
    return args


def make_stack(args: argparse.Namespace) -> harness.Stack:
    broker_db, queue_db = args.redis_dbs.split(",")
    for db in (broker_db, queue_db):
        subprocess.run(["redis-cli", "-u", f"{args.redis}/{db}", "flushdb"], check=True, capture_output=True)
    queue_url = harness.ensure_vhost(args.amqp_vhost) if args.queue == "amqp" else f"{args.redis}/{queue_db}"
    return harness.Stack(
        db_url=f"postgres://postgres@127.0.0.1:5432/{args.db}",
        broker_url=f"{args.redis}/{broker_db}",
        queue_url=queue_url,
        port=args.port,
        logdir=args.out,
    )


def start(processes: harness.Processes, fleet: feedload.Fleet, consumed: Path) -> None:
    harness.purge_police_queue(processes.stack)
    processes.gunicorn(workers=2, threads=2)
    harness.wait_http(processes.stack.base_url)
    feedload.first_contact(fleet, processes.stack.base_url)
    processes.worker("delivery", "delivery", 2)
    processes.worker("work", "default,ingest", 1)
    processes.beat()
    processes.consumer(consumed)


def run(args: argparse.Namespace, stack: harness.Stack, fleet: feedload.Fleet, processes, consumed: Path) -> dict:
    """Run the load for the whole duration while sampling memory; return the samples and the load."""
    load = feedload.Load(fleet, stack.base_url, args.rate, args.batch, args.clients)
    samples = []
    load.start()
    end = load.started + args.minutes * 60
    next_sample = load.started
    while time.time() < end:
        time.sleep(max(0.0, min(next_sample, end) - time.time()))
        if time.time() >= end:
            break
        sample = {"t": time.time(), "load1": os.getloadavg()[0], "rss_mb": harness.rss_sample(processes, stack.db_url)}
        samples.append(sample)
        done = [b for b in load.batches if b.status == 202]
        elapsed = time.time() - load.started
        print(
            f"[{elapsed / 60:5.1f} min] load {sample['load1']:.1f}, {sum(b.size for b in done) / max(elapsed, 1):.0f}"
            f" fixes/s accepted so far, {len(harness.arrivals(consumed))} alerts consumed",
            file=sys.stderr,
            flush=True,
        )
        next_sample += args.sample_seconds
    load.stop()
    samples.append(
        {"t": time.time(), "load1": os.getloadavg()[0], "rss_mb": harness.rss_sample(processes, stack.db_url)}
    )
    return {"load": load, "samples": samples}


def windows(args, load: feedload.Load, samples: list[dict], seen: list[dict]) -> list[dict]:
    size = args.window_minutes * 60
    # Alerts of the devices' first contact (before the load, while no worker ran yet) are not measured.
    alerts = {
        kind: [(at, lat) for at, lat in pairs if at - lat >= load.started]
        for kind, pairs in harness.alert_latencies(seen).items()
    }
    rows = []
    for n in range(max(1, round(args.minutes * 60 / size))):
        lo, hi = load.started + n * size, load.started + (n + 1) * size
        done = [b for b in load.batches if b.status == 202 and lo <= b.answered_at < hi]
        loads = [s["load1"] for s in samples if lo <= s["t"] < hi + 1]
        rows.append(
            {
                "window_min": f"{n * size / 60:g}-{(n + 1) * size / 60:g}",
                "fixes_per_s": round(sum(b.size for b in done) / size),
                "batch_latency": harness.latency_ms([b.latency for b in done]),
                "alert_latency": harness.latency_ms([lat for at, lat in alerts["entering"] if lo <= at < hi]),
                "delivery_latency": harness.latency_ms([lat for at, lat in alerts["delivery"] if lo <= at < hi]),
                "load_avg": round(sum(loads) / len(loads), 1) if loads else None,
            }
        )
    return rows


def memory(args, load: feedload.Load, samples: list[dict]) -> dict:
    """Per process: RSS at the end of warm-up, at the end, the growth and the peak (MB)."""
    baseline_at = load.started + args.warmup_minutes * 60
    after = [s for s in samples if s["t"] >= baseline_at] or samples[-1:]
    first, last = after[0]["rss_mb"], samples[-1]["rss_mb"]
    table = {}
    for name in last:
        if not isinstance(last[name], int | float) or name not in first or "count" in name:
            continue
        peak = max(s["rss_mb"].get(name, 0) for s in after if isinstance(s["rss_mb"].get(name, 0), int | float))
        growth = round(last[name] - first[name], 1)
        table[name] = {"after_warmup": first[name], "end": last[name], "growth": growth, "peak": peak}
    return table


def main() -> None:
    args = parse()
    stack = make_stack(args)
    started = time.time()
    fleet = feedload.Fleet(stack.prepare(args.devices), args.movers, args.cycle)
    consumed = args.out / "consumed.jsonl"
    consumed.unlink(missing_ok=True)
    processes = harness.Processes(stack)
    try:
        start(processes, fleet, consumed)
        result = run(args, stack, fleet, processes, consumed)
        undelivered = harness.wait_delivered(stack.db_url, consumed, timeout=180)
        alive = {name: processes.alive(name) for name in processes.running}
    finally:
        processes.stop_all()
    load, samples = result["load"], result["samples"]
    seen = harness.arrivals(consumed)
    accepted, missing = harness.missing_fixes(stack.db_url, fleet, load.batches)
    report = {
        "command": " ".join(sys.argv),
        "minutes": args.minutes,
        "rate_asked": args.rate,
        "devices": args.devices,
        "movers": len(fleet.movers),
        "queue": args.queue,
        "fixes": load.summary() | {"fixes_accepted_stored": accepted - missing, "fixes_accepted_missing": missing},
        "answer_times": load.answers(),
        "alerts": harness.alert_counts(set(harness.outbox_rows(stack.db_url)), seen),
        "undelivered_at_end": len(undelivered),
        "processes_alive_at_end": alive,
        "windows": windows(args, load, samples, seen),
        "memory_mb": memory(args, load, samples),
        "wall_s": round(time.time() - started),
    }
    (args.out / "soak-result.json").write_text(json.dumps(report, indent=2))
    (args.out / "soak-samples.json").write_text(json.dumps(samples, indent=1))
    print(json.dumps(report, indent=2))
    lost = report["alerts"]["alerts_lost"] + missing + len(undelivered)
    print(
        f"{'FAILED' if lost else 'OK'}: {missing} accepted fixes missing, {report['alerts']['alerts_lost']} alerts lost"
    )
    sys.exit(1 if lost or not all(alive.values()) else 0)


if __name__ == "__main__":
    main()
