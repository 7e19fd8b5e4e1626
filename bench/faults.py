"""Faults under sustained feed ingestion, with the real services: nothing accepted is lost, counted.

Five scenarios run one after another on one stack (gunicorn 2x2, a Celery worker on `delivery`, one on
`default,ingest`, beat, a consumer of the police queue on RabbitMQ), each under its own load of fixes
with some devices entering and leaving their zones, so incidents and alerts flow throughout:

1. pg     PostgreSQL stopped (fast shutdown) and started again: clients get 503 + Retry-After meanwhile
2. redis  the Celery broker (Redis) stopped and started again: ingestion goes on, alerts arrive after
3. amqp   every connection of the police queue's RabbitMQ vhost closed, repeatedly
4. kill   the delivery worker SIGKILLed repeatedly: a pool process, then the whole worker (restarted as a
          supervisor would), alternately
5. queue  the police queue unreachable for longer than any retry budget (3 minutes with --quick, else 10):
          the vhost's permissions revoked and its connections closed, then restored. Health (anonymous,
          as a load balancer asks) must answer 503 while alerts wait undelivered and 200 once every alert
          has arrived, with nobody retrying by hand

Per scenario it prints fixes sent, accepted (202), stored (each 202 fix looked up in the database), the
answers the clients got, alerts produced (outbox rows), delivered (distinct ids on the police queue),
duplicated (ids seen more than once: allowed, delivery is at least once) and lost (must be 0). Exits 1
when a fix answered 202 is missing, an alert is lost, a 500 was answered or a process died.

    python bench/faults.py --quick            # CI: short outages, about 7 minutes with the queue outage
    python bench/faults.py                    # by hand: 30 s outages, 5 kills 5 s apart
    python bench/faults.py --only pg,kill
    python bench/faults.py --quick --only queue

Needs root (or the postgres user) for its own PostgreSQL cluster: `pg_createcluster 15 faults --port 5433`
with trust authentication, created when missing and dropped afterwards unless it existed (--keep-cluster
keeps it). Starts its own redis-server (append-only, port 6390 or --redis-port) and uses the RabbitMQ vhost
banwatch_soak (created with rabbitmqctl when missing). The shared services are never stopped.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import feedload  # noqa: E402 - bench/ is not a package
import harness  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from tests.alerts.faults import PrivateRedis, port_open, wait_for  # noqa: E402

# Delivery settings shortened as in tests/alerts/test_broker_outage.py, so recovery is not spent waiting out
# production backoff; everything else as in production.
FAST_DELIVERY = {
    "ALERT_SWEEP_SECONDS": 2,
    "ALERT_CLAIM_SECONDS": 10,
    "ALERT_RETRY_BASE_SECONDS": 1,
    "ALERT_RETRY_MAX_SECONDS": 4,
    "ALERT_UNDELIVERED_SECONDS": 30,
    "CANARY_SECONDS": 5,
    "CELERY_VISIBILITY_TIMEOUT": 120,
}
BROKER_LOST = "Connection to broker lost"  # what a Celery worker logs before it reconnects
SIZES = {
    # outage or fault period, steady load before and after it, repeats and their interval
    "quick": {"devices": 1000, "rate": 500, "lead": 5, "outage": 8, "tail": 8, "repeats": 3, "every": 4},
    "full": {"devices": 2000, "rate": 1000, "lead": 15, "outage": 30, "tail": 30, "repeats": 5, "every": 5},
}
# The police queue outage outlasts every retry budget an alert ever had (10 attempts, about 7 minutes).
QUEUE_OUTAGE_S = {"quick": 180, "full": 600}
HEALTH_POLL_S = 5.0


class PrivatePostgres:
    """A PostgreSQL cluster of our own, which may be stopped at will; created (and dropped) when missing."""

    def __init__(self, name: str, port: int) -> None:
        self.version = sorted(os.listdir("/etc/postgresql"))[-1]
        self.name, self.port = name, port
        self.created = False

    def ensure(self) -> None:
        clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout
        if not any(line.split()[:2] == [self.version, self.name] for line in clusters.splitlines()):
            command = ["pg_createcluster", self.version, self.name, "--port", str(self.port), "--", "--auth=trust"]
            subprocess.run(command, check=True, capture_output=True)
            self.created = True
        if not port_open(self.port):
            self.start()

    def ctl(self, action: str, *options: str) -> None:
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action, *options]
        subprocess.run(command, check=True, capture_output=True)

    def start(self) -> None:
        self.ctl("start")
        wait_for(lambda: port_open(self.port), 30, what=f"PostgreSQL on {self.port}")

    def stop(self) -> None:
        self.ctl("stop", "-m", "fast")  # connections terminated, as in a restart or failover

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", self.version, self.name, "--stop"], check=True, capture_output=True)


class Drill:
    """One stack, its services and its processes; runs the scenarios and counts."""

    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args, self.size = args, SIZES["quick" if args.quick else "full"]
        self.postgres = PrivatePostgres(args.cluster, args.pg_port)
        (workdir / "redis").mkdir(parents=True, exist_ok=True)
        self.redis = PrivateRedis(workdir / "redis")
        # A fixed port of its own: the test suite's private servers pick free ports in 16380-16399, and two
        # runs picking "the first free one" at once would share a server.
        self.redis.port = args.redis_port
        if port_open(args.redis_port):
            raise SystemExit(f"port {args.redis_port} is taken; choose another with --redis-port")
        self.consumed = args.out / "consumed.jsonl"

    def setup(self) -> None:
        self.postgres.ensure()
        self.redis.start()
        self.stack = harness.Stack(
            db_url=f"postgres://postgres@127.0.0.1:{self.args.pg_port}/{self.args.db}",
            broker_url=f"{self.redis.url}/0",
            queue_url=harness.ensure_vhost(self.args.amqp_vhost),
            port=self.args.port,
            logdir=self.args.out,
            extra_env=FAST_DELIVERY,
        )
        self.fleet = feedload.Fleet(self.stack.prepare(self.size["devices"]), 0.05, 60)
        self.consumed.unlink(missing_ok=True)
        harness.purge_police_queue(self.stack)
        self.processes = harness.Processes(self.stack)
        self.processes.gunicorn(workers=2, threads=2)
        harness.wait_http(self.stack.base_url)
        feedload.first_contact(self.fleet, self.stack.base_url)
        self.processes.worker("delivery", "delivery", 2)
        self.processes.worker("work", "default,ingest", 1)
        self.processes.beat()
        self.processes.consumer(self.consumed)
        wait_for(lambda: self.log_lines(" ready.")["delivery"], 60, what="delivery worker ready")

    def teardown(self) -> None:
        if hasattr(self, "processes"):
            self.processes.stop_all()
        self.redis.stop()
        if self.postgres.created and not self.args.keep_cluster:
            self.postgres.drop()

    def run(self, name: str, fault) -> dict:
        """Run the load around the fault; wait until the alerts are delivered; count."""
        before = set(harness.outbox_rows(self.stack.db_url))
        lost_broker = self.log_lines(BROKER_LOST)
        pids = {n: p.pid for n, p in self.processes.running.items()}
        load = feedload.Load(self.fleet, self.stack.base_url, self.size["rate"], 100, clients=4)
        load.start()
        time.sleep(self.size["lead"])
        began = time.time()
        notes = fault()
        notes["fault_s"] = [round(began - load.started, 1), round(time.time() - load.started, 1)]
        time.sleep(self.size["tail"])
        load.stop()
        produced = set(harness.outbox_rows(self.stack.db_url)) - before
        undelivered = harness.wait_delivered(self.stack.db_url, self.consumed, produced, self.args.drain_timeout)
        if name == "queue":
            notes |= self.health_after_recovery()
        accepted, missing = harness.missing_fixes(self.stack.db_url, self.fleet, load.batches)
        summary = load.summary()
        return {
            "scenario": name,
            "seconds": round(load.stopped - load.started),
            "fixes_sent": summary["fixes_sent"],
            "fixes_accepted": accepted,
            "fixes_stored": accepted - missing,
            "fixes_accepted_missing": missing,
            "fixes_never_accepted": summary["fixes_sent"] - accepted,
            "answers": summary["answers"],
            "retry_after": summary["retry_after"],
            "answer_times": load.answers(),
            **harness.alert_counts(produced, harness.arrivals(self.consumed)),
            "undelivered_after_drain": len(undelivered),
            "recovery_s": round(time.time() - load.stopped, 1),
            "restarted_by_drill": notes.pop("restarted", []),
            "died": [n for n, p in self.processes.running.items() if p.poll() is not None],
            "pid_changed": [n for n, pid in pids.items() if self.processes.running[n].pid != pid],
            "broker_lost_logged": {
                n: c - lost_broker[n] for n, c in self.log_lines(BROKER_LOST).items() if c > lost_broker[n]
            },
            **notes,
        }

    def log_lines(self, text: str) -> dict[str, int]:
        """Count the lines holding `text` in each process's log."""
        logs = {name: self.stack.logdir / f"{name}.log" for name in self.processes.running}
        return {name: log.read_text(errors="replace").count(text) for name, log in logs.items()}

    # The faults. Each returns notes for the report.

    def pg(self) -> dict:
        self.postgres.stop()
        time.sleep(self.size["outage"])
        self.postgres.start()
        return {"outage_s": self.size["outage"]}

    def redis_broker(self) -> dict:
        self.redis.stop()
        time.sleep(self.size["outage"])
        self.redis.start()
        return {"outage_s": self.size["outage"]}

    def amqp(self) -> dict:
        closed = []
        for _ in range(self.size["repeats"]):
            closed.append(self.close_vhost_connections())
            time.sleep(self.size["every"])
        return {"connections_closed_per_round": closed}

    def close_vhost_connections(self) -> int:
        listed = subprocess.run(
            ["rabbitmqctl", "list_connections", "-q", "vhost", "name"], capture_output=True, text=True, check=True
        ).stdout
        count = sum(1 for line in listed.splitlines() if line.split("\t")[0] == self.args.amqp_vhost)
        command = ["rabbitmqctl", "close_all_connections", "--vhost", self.args.amqp_vhost, "--limit", "1000"]
        subprocess.run([*command, "fault drill"], check=True, capture_output=True)
        return count

    def queue(self) -> dict:
        """Make the police queue unreachable past any retry budget; poll health as a load balancer does."""
        outage = QUEUE_OUTAGE_S["quick" if self.args.quick else "full"]
        vhost = self.args.amqp_vhost
        subprocess.run(["rabbitmqctl", "clear_permissions", "-p", vhost, "guest"], check=True, capture_output=True)
        self.close_vhost_connections()
        began, codes = time.monotonic(), []
        while time.monotonic() - began < outage:
            codes.append((round(time.monotonic() - began), self.health_code()))
            time.sleep(HEALTH_POLL_S)
        permissions = ["rabbitmqctl", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"]
        subprocess.run(permissions, check=True, capture_output=True)
        waited = FAST_DELIVERY["ALERT_UNDELIVERED_SECONDS"] + 2 * HEALTH_POLL_S
        return {
            "outage_s": outage,
            "health_503_during": sum(1 for at, code in codes if code == 503 and at > waited),
            "health_200_during": sum(1 for at, code in codes if code == 200 and at > waited),
            "most_attempts": self.most_attempts(),
        }

    def most_attempts(self) -> int:
        with harness.connect_db(self.stack.db_url) as conn, conn.cursor() as cur:
            cur.execute("SELECT coalesce(max(attempts), 0) FROM alerts_alertoutbox")
            return int(cur.fetchone()[0])

    def health_code(self) -> int:
        try:
            with urllib.request.urlopen(self.stack.base_url + "/api/v1/health", timeout=10) as answer:  # noqa: S310
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0

    def health_after_recovery(self) -> dict:
        """Seconds from every alert delivered to health answering 200 (its cached answer lasts a few seconds)."""
        began = time.monotonic()
        while self.health_code() != 200 and time.monotonic() - began < 120:
            time.sleep(1.0)
        return {"health_green_after_s": round(time.monotonic() - began, 1), "health_after": self.health_code()}

    def kill(self) -> dict:
        kills, restarted = [], []
        for n in range(self.size["repeats"]):
            # A restarted worker forks its pool once it is up.
            children = wait_for(lambda: self.processes.children("delivery"), 60, what="delivery pool")
            if n % 2 == 0:
                os.kill(children[0], signal.SIGKILL)
                kills.append("pool process")
            else:
                ready = self.log_lines(" ready.")["delivery"]
                self.processes.kill("delivery")
                self.processes.restart("delivery")
                kills.append("whole worker")
                restarted.append("delivery")
                # As a supervisor would see it: up again (a pool process killed while the pool starts
                # makes Celery give up: "Could not start worker processes").
                wait_for(
                    lambda ready=ready: self.log_lines(" ready.")["delivery"] > ready, 60, what="delivery worker ready"
                )
            time.sleep(self.size["every"])
        return {"kills": kills, "restarted": restarted}


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI size: short outages, about 3 minutes")
    parser.add_argument("--only", default="pg,redis,amqp,kill,queue", help="comma-separated scenarios")
    parser.add_argument("--cluster", default="faults", help="own PostgreSQL cluster name")
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("FAULTS_PG_PORT", "5433")))
    parser.add_argument("--db", default=os.environ.get("FAULTS_DB", "banwatch_soak_faults"))
    parser.add_argument("--redis-port", type=int, default=int(os.environ.get("FAULTS_REDIS_PORT", "6390")))
    parser.add_argument("--amqp-vhost", default=os.environ.get("FAULTS_AMQP_VHOST", "banwatch_soak"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FAULTS_PORT", "8141")))
    parser.add_argument("--drain-timeout", type=float, default=None, help="seconds to wait for every alert")
    parser.add_argument("--keep-cluster", action="store_true")
    parser.add_argument("--out", type=Path, default=harness.REPO / "var" / "faults")
    args = parser.parse_args()
    args.drain_timeout = args.drain_timeout or (120 if args.quick else 300)
    return args


def failed(result: dict) -> list[str]:
    problems = []
    if result["fixes_accepted_missing"]:
        problems.append(f"{result['fixes_accepted_missing']} fixes answered 202 are not stored")
    if result["alerts_lost"]:
        problems.append(f"{result['alerts_lost']} alerts lost")
    if set(result["answers"]) - {"202", "503"}:
        problems.append(f"answers other than 202 and 503 (500, 4xx, hang, refused): {result['answers']}")
    if result["died"]:
        problems.append(f"processes died: {result['died']}")
    if result["scenario"] == "pg" and "503" not in result["answers"]:
        problems.append("no 503 while PostgreSQL was down")
    if result["scenario"] == "queue":
        if not result["health_503_during"] or result["health_200_during"]:
            problems.append("health did not fail throughout the police queue outage")
        if result["health_after"] != 200:
            problems.append("health not green after every alert arrived")
        if result["undelivered_after_drain"]:
            problems.append(f"{result['undelivered_after_drain']} alerts undelivered after the queue returned")
    return problems


def main() -> None:
    args = parse()
    started = time.time()
    args.out.mkdir(parents=True, exist_ok=True)
    results, problems = [], {}
    with tempfile.TemporaryDirectory(prefix="banwatch-faults-") as workdir:
        drill = Drill(args, Path(workdir))
        try:
            drill.setup()
            print(f"setup done in {time.time() - started:.0f} s", file=sys.stderr, flush=True)
            faults = {
                "pg": drill.pg,
                "redis": drill.redis_broker,
                "amqp": drill.amqp,
                "kill": drill.kill,
                "queue": drill.queue,
            }
            for name in args.only.split(","):
                result = drill.run(name, faults[name])
                results.append(result)
                problems[name] = failed(result)
                print(json.dumps(result), file=sys.stderr, flush=True)
        finally:
            drill.teardown()
    report = {"command": " ".join(sys.argv), "wall_s": round(time.time() - started), "scenarios": results}
    (args.out / "faults-result.json").write_text(json.dumps(report, indent=2))
    print_table(results)
    print(f"wall time {report['wall_s']} s")
    bad = {name: p for name, p in problems.items() if p}
    print("FAILED: " + json.dumps(bad) if bad else "OK: nothing accepted was lost")
    sys.exit(1 if bad else 0)


def print_table(results: list[dict]) -> None:
    columns = [
        ("scenario", "scenario"),
        ("fixes_sent", "sent"),
        ("fixes_accepted", "accepted"),
        ("fixes_stored", "stored"),
        ("alerts_produced", "alerts"),
        ("alerts_delivered", "delivered"),
        ("alerts_duplicated", "duplicated"),
        ("alerts_lost", "lost"),
        ("recovery_s", "drain s"),
    ]
    print(" | ".join(title for _key, title in columns) + " | answers")
    for result in results:
        print(" | ".join(str(result[key]) for key, _title in columns) + f" | {result['answers']}")


if __name__ == "__main__":
    main()
