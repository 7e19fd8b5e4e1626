"""Alert delivery under faults, counted against scripted crossings whose police alerts are known (ground truth).

One stack as in production, doubled where a process can die: two gunicorns (the load generator and the
devices fail over between them, as behind a load balancer), two Celery worker sets (each a `delivery`
worker and a `default,ingest` worker), one beat, and a consumer that reads the police queue as dispatch
does and writes down every message before it acks it. PostgreSQL, the Celery broker (Redis, no
persistence) and the police queue (RabbitMQ) are servers of the drill's own (bench/fault_services.py);
the machine's shared servers are never touched.

Under a steady feed load (fixes from a seeded fleet, 5 % of it crossing its zone every minute), each fault
in turn gets its own copies of the detection drill's stories (bench/drill_scenarios.py: fixes and events
through the HTTP API, with the police alerts the specification says must arrive), and the fault strikes
while they are told, once every scripted alert of the fault before has arrived:

  pg      PostgreSQL's postmaster SIGKILLed mid-batch, started again after a pause (crash recovery)
  redis   the workers held a few seconds so tasks pile up, then the Celery broker SIGKILLed and started
          again empty (no persistence): the queued tasks are lost; the outbox sweeper must deliver the alerts
          and the device-event sweep apply the events they carried
  rabbit  the police queue's RabbitMQ node stopped and started again (a real server restart), with
          messages waiting on it (the consumer is held for a few seconds before)
  kill    one of the two gunicorns and one of the two worker sets SIGKILLed; a supervisor restarts them later
  queue   the police queue down longer than any retry budget (10 minutes; 90 s with --quick): the
          operator-scope health must answer 503 during the outage and 200 once every alert has arrived,
          with nobody acting

Per fault it prints the scripted alerts and, read from the police queue, how many of them were delivered,
late (arrived more than LATE_S after the device first sent what caused them), missing and duplicated, plus
alerts of its stories nobody expected. For the load it counts fixes answered 202 that are not stored and
load alerts (outbox rows) that never arrived. Exits 1 when a scripted alert is missing, a fix answered 202
is lost, a load alert is lost, a 500 was answered, a process died or health did not tell the outage.

    python bench/faults.py --quick            # CI: about 7 minutes on a loaded 2-core machine
    python bench/faults.py                    # by hand: the 10-minute police-queue outage, about 22 minutes
    python bench/faults.py --quick --only pg,redis

Needs root (or the postgres and rabbitmq users) for its own servers: a PostgreSQL cluster `faults` on 5433
(created and dropped unless it existed; --keep-cluster keeps it), redis-server on 6390, a RabbitMQ node
`banwatch-faults-5673@localhost` on 5673 (distribution port 25673, data under /tmp, no plugins). A run killed
half-way leaves them: `pg_dropcluster 15 faults --stop`, `rabbitmqctl -n banwatch-faults-5673@localhost stop`,
and kill the redis-server on 6390.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import feedload  # noqa: E402 - bench/ is not a package
import harness  # noqa: E402
from drill_check import EVENT_OF_TYPE, attribute, check, epoch  # noqa: E402
from drill_model import Event, Fix  # noqa: E402
from drill_play import Client, Heartbeats, Player, operator_session  # noqa: E402
from drill_scenarios import all_scenarios  # noqa: E402
from drill_world import OPERATOR_PASSWORD, World, build_world, hours_ago  # noqa: E402
from fault_services import PrivatePostgres, PrivateRabbit, PrivateRedis, port_open, wait_for  # noqa: E402

# Delivery settings shortened as in tests/alerts/test_police_queue_outage.py, so recovery is not spent waiting
# out production backoff; everything else as in production.
FAST_DELIVERY = {
    "ALERT_SWEEP_SECONDS": 2,
    "ALERT_CLAIM_SECONDS": 10,
    "ALERT_RETRY_BASE_SECONDS": 1,
    "ALERT_RETRY_MAX_SECONDS": 4,
    "ALERT_UNDELIVERED_SECONDS": 30,
    "CANARY_SECONDS": 5,
    "CELERY_VISIBILITY_TIMEOUT": 120,
}
# Stories of fixes and events only (no operator, no ban saved mid-story, no silence): what they must produce
# does not depend on when an operator or a registrar acts, so a fault can only delay or lose it.
QUICK_STORIES = (
    "entry_plain",
    "entry_low_risk_walking",
    "jitter_5m",
    "panic",
    "tamper_high_risk",
    "battery_critical",
    "curfew_broken",
    "polygon_entry",
    "three_subjects_one_batch",
)
FULL_STORIES = QUICK_STORIES + (
    "entry_then_exit",
    "entry_medium_risk",
    "entry_radius_1000",
    "tamper_low_risk",
    "panic_twice",
    "polygon_entry_exit",
    "curfew_broken_medium",
    "five_subjects_staggered",
    "two_bans_one_subject",
    "approach_enters",
)
SIZES = {
    # strike: seconds into the fault's stories; down: how long the service stays down (queue: the outage);
    # hold: the consumer held before the RabbitMQ restart; stagger: the stories start spread over this long
    "quick": {"devices": 1000, "rate": 300, "strike": 20, "down": 5, "hold": 5, "queue_down": 90, "stagger": 10},
    "full": {"devices": 2000, "rate": 1000, "strike": 30, "down": 30, "hold": 15, "queue_down": 600, "stagger": 20},
}
FAULTS = ("pg", "redis", "rabbit", "kill", "queue")
LATE_S = 30.0  # an alert arriving later than this after its cause was first sent counts as late
HEALTH_POLL_S = 5.0
BAN_LEAD_S = 7.0  # web processes look for new bans every 5 s
SETTLE_QUIET_S = 6.0


class FailoverClient(Client):
    """The drill's HTTP client in front of several web processes, acting like a device or a load balancer.

    A refused or broken connection moves to the next web process; 502, 503 and 504 are sent again after a
    pause (a device buffers and resends); after `give_up_s` the last answer stands.
    """

    def __init__(self, ports, headers: dict | None = None, cookies: dict | None = None, give_up_s: float = 300):
        self.ports = list(ports) if isinstance(ports, list | tuple) else [ports]
        super().__init__(self.ports[0], headers, cookies)
        self.give_up_s = give_up_s

    def request(self, method: str, path: str, body=None, headers: dict | None = None):
        deadline, turn = time.time() + self.give_up_s, 0
        while True:
            try:
                status, answer = super().request(method, path, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                status, answer = None, str(exc)
            if status not in (None, 502, 503, 504):
                return status, answer
            if time.time() > deadline:
                if status is None:
                    raise ConnectionError(f"no web process answered {method} {path}: {answer}")
                return status, answer
            turn += 1
            self.port, self.conn = self.ports[turn % len(self.ports)], None
            time.sleep(1.0)


class Drill:
    """The servers, the stack and its processes, the stories per fault; runs the faults and counts."""

    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args, self.size = args, SIZES["quick" if args.quick else "full"]
        self.faults = args.only.split(",")
        unknown = set(self.faults) - set(FAULTS)
        if unknown:
            raise SystemExit(f"unknown faults: {', '.join(sorted(unknown))}")
        for port in (args.redis_port, args.rabbit_port, args.port, args.port + 1):
            if port_open(port):
                raise SystemExit(f"port {port} is taken; choose others (--redis-port, --rabbit-port, --port)")
        self.postgres = PrivatePostgres(args.cluster, args.pg_port)
        self.redis = PrivateRedis(workdir / "redis", args.redis_port, persistent=False)
        # Outside the private temporary folder: the server runs as the rabbitmq user.
        self.rabbit = PrivateRabbit(
            Path(tempfile.gettempdir()) / f"banwatch-faults-rabbit-{args.rabbit_port}", args.rabbit_port
        )
        self.ports = [args.port, args.port + 1]
        self.consumed = args.out / "consumed.jsonl"
        self.windows: dict[str, tuple[float, float]] = {}
        self.notes: dict[str, dict] = {}
        self.players: dict[str, Player] = {}
        self.threads: list[threading.Thread] = []

    # Setting up and tearing down.

    def setup(self) -> None:
        stamp("setup: servers")
        self.postgres.ensure()
        self.redis.start()
        self.rabbit.remove()  # what a run cut off left behind
        rabbit = threading.Thread(target=self.rabbit.start)  # about 15 s: while the database is prepared
        rabbit.start()
        self.stack = harness.Stack(
            db_url=f"postgres://postgres@127.0.0.1:{self.args.pg_port}/{self.args.db}",
            broker_url=f"{self.redis.url}/0",
            queue_url=self.rabbit.url,
            port=self.ports[0],
            logdir=self.args.out,
            extra_env=FAST_DELIVERY,
        )
        self.fleet = feedload.Fleet(self.stack.prepare(self.size["devices"]), 0.05, 60)
        stamp("setup: database migrated and fleet seeded")
        os.environ.update(self.stack.environment())
        import django

        django.setup()
        rabbit.join()
        if not port_open(self.args.rabbit_port):
            raise SystemExit("the private RabbitMQ did not start")
        self.consumed.unlink(missing_ok=True)
        from geofence.alerts.police_queue import PoliceQueue

        PoliceQueue(self.rabbit.url).purge()
        # The processes start while the stories' world is written; beat only after every device reported once.
        self.processes = harness.Processes(self.stack)
        for name, port in zip(("web-a", "web-b"), self.ports, strict=True):
            self.processes.gunicorn(workers=1, threads=4, name=name, port=port)
        for side in ("a", "b"):
            self.processes.worker(f"delivery-{side}", "delivery", 1)
            self.processes.worker(f"work-{side}", "default,ingest", 1)
        self.processes.consumer(self.consumed)
        self.world = self.build_world()
        stamp("setup: stories' world built")
        for port in self.ports:
            harness.wait_http(f"http://127.0.0.1:{port}")
        feedload.first_contact(self.fleet, self.stack.base_url)
        devices = [d for p in self.world.placed for d in p.devices.values()]
        self.silenced: set[str] = set()
        self.heartbeats = Heartbeats(self.ports, self.world.key, devices, self.silenced, client=FailoverClient)
        self.heartbeats.beat_once()
        self.heartbeats.start()
        self.processes.beat()
        for name in ("delivery-a", "delivery-b", "work-a", "work-b"):
            wait_for(lambda name=name: self.log_count(name, " ready."), 90, what=f"{name} ready")
        stamp("setup: processes up")
        self.cookies = operator_session(
            self.ports[0], self.world.operator, OPERATOR_PASSWORD, self.world.operator_totp_key
        )
        self.operator = FailoverClient(self.ports, cookies=dict(self.cookies), give_up_s=0)  # 503 is an answer here
        self.save_bans()
        time.sleep(BAN_LEAD_S)

    def save_bans(self) -> None:
        """Save every fault's bans now, four at a time: a fault's stories start the moment the fault before ends."""
        parts = [self.world.placed[k::4] for k in range(4)]
        threads = [
            threading.Thread(
                target=Player(
                    World(self.world.key, self.world.token, self.world.operator, part, self.world.operator_totp_key),
                    self.ports,
                    self.cookies,
                    self.silenced,
                    client=FailoverClient,
                ).save_bans_before,
                args=(time.time(),),
            )
            for part in parts
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        problems = [
            f"{p.scenario.name}: ban not saved" for p in self.world.placed if len(p.bans) != len(p.scenario.bans)
        ]
        if problems:
            raise SystemExit("\n".join(problems))

    def build_world(self) -> World:
        """Create each fault's copy of the stories' people, devices and vendor in the database."""
        from django.db import connections

        chosen = QUICK_STORIES if self.args.quick else FULL_STORIES
        stories = {s.name: s for s in all_scenarios()}
        copies = [replace(stories[name], name=f"{fault}:{name}") for fault in self.faults for name in chosen]
        world = build_world(copies, assigned_since=hours_ago(2))
        connections.close_all()  # this process holds no connection while PostgreSQL is killed
        return world

    def teardown(self) -> None:
        if hasattr(self, "heartbeats"):
            self.heartbeats.stopping.set()
        if hasattr(self, "processes"):
            if self.processes.running.get("consumer"):
                os.kill(self.processes.running["consumer"].pid, signal.SIGCONT)  # in case it was held
            self.processes.stop_all()
        self.redis.stop()
        self.rabbit.remove()
        if self.postgres.created and not self.args.keep_cluster:
            self.postgres.drop()

    # Running.

    def run(self) -> None:
        self.load = feedload.Load(self.fleet, [f"http://127.0.0.1:{p}" for p in self.ports], self.size["rate"], 100)
        self.load.start()
        self.began = time.time()
        for name in self.faults:
            started = time.time()
            placed = [p for p in self.world.placed if p.scenario.name.startswith(f"{name}:")]
            world = World(self.world.key, self.world.token, self.world.operator, placed, self.world.operator_totp_key)
            player = Player(
                world, self.ports, self.cookies, self.silenced, client=FailoverClient, stagger_s=self.size["stagger"]
            )
            thread = threading.Thread(target=player.run, args=(started,), daemon=True)
            thread.start()
            self.players[name], self.threads = player, [*self.threads, thread]
            time.sleep(max(0.0, started + self.size["strike"] - time.time()))
            if len(self.faults) > 1 and name != self.faults[0]:
                # The fault before must be over for its stories: each fault's alerts are its own.
                self.wait_arrived(self.faults[self.faults.index(name) - 1])
            struck = time.time()
            stamp(f"fault {name}")
            self.notes[name] = getattr(self, f"fault_{name}")()
            self.notes[name]["fault_s"] = round(time.time() - struck, 1)
            self.windows[name] = (started, time.time())
        for thread in self.threads:
            thread.join()
        stamp("stories told")
        self.load.stop()
        self.undelivered = harness.wait_delivered(self.stack.db_url, self.consumed, None, self.args.drain_timeout)
        self.settle()

    def wait_arrived(self, name: str, timeout: float = 90) -> None:
        """Wait until every scripted alert of the fault's stories has arrived (or `timeout` passed)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            first, _times = self.first_arrivals()
            rows = self.rows(name, first)
            if sum(r.expected for _h, r in rows) == sum(r.delivered for _h, r in rows):
                return
            time.sleep(1.0)

    def first_arrivals(self) -> tuple[dict[str, tuple[float, dict]], Counter]:
        seen = harness.arrivals(self.consumed)
        first: dict[str, tuple[float, dict]] = {}
        for record in seen:
            first.setdefault(record["alert_id"], (record["arrived"], record["body"]))
        return first, Counter(record["alert_id"] for record in seen)

    def rows(self, name: str, first: dict) -> list:
        """Hold what arrived against the expectations of the fault's stories: (placed, drill_check.Row) each."""
        placed = [p for p in self.world.placed if p.scenario.name.startswith(f"{name}:")]
        found, _others = attribute(placed, first)
        played = self.players[name].played
        return [(here, check(here, played[here.scenario.name], found[here.scenario.name], [])) for here in placed]

    def settle(self) -> None:
        """Wait until nothing new arrives on the police queue for a while (closing alerts come late)."""
        deadline = time.time() + 60
        while time.time() < deadline:
            seen = self.consumed.stat().st_mtime if self.consumed.exists() else 0
            pending = harness.wait_delivered(self.stack.db_url, self.consumed, None, 1)
            if not pending and time.time() - seen > SETTLE_QUIET_S:
                return
            time.sleep(1.0)

    def log_count(self, name: str, text: str) -> int:
        return (self.stack.logdir / f"{name}.log").read_text(errors="replace").count(text)

    # The faults. Each returns notes for the report.

    def fault_pg(self) -> dict:
        pid = self.postgres.kill()
        time.sleep(self.size["down"])
        self.postgres.start()
        return {"postmaster_killed": pid, "down_s": self.size["down"]}

    def fault_redis(self) -> dict:
        """Hold the workers so tasks pile up on the broker, then kill it: those messages are gone for good."""
        workers = [self.processes.running[n].pid for n in ("delivery-a", "delivery-b", "work-a", "work-b")]
        for pid in workers:
            os.killpg(pid, signal.SIGSTOP)
        try:
            time.sleep(self.size["hold"])
            queued = self.redis_queued()
            self.redis.kill()
        finally:
            for pid in workers:
                os.killpg(pid, signal.SIGCONT)
        time.sleep(self.size["down"])
        self.redis.start()
        return {"celery_messages_lost": queued, "down_s": self.size["down"]}

    def redis_queued(self) -> int:
        """Count the Celery messages the broker holds (queued and unacknowledged), all lost with it."""
        total = 0
        for queue in ("delivery", "default", "ingest"):
            out = subprocess.run(
                ["redis-cli", "-p", str(self.redis.port), "llen", queue], capture_output=True, text=True
            )
            total += int(out.stdout.strip() or 0)
        out = subprocess.run(
            ["redis-cli", "-p", str(self.redis.port), "hlen", "unacked"], capture_output=True, text=True
        )
        return total + int(out.stdout.strip() or 0)

    def fault_rabbit(self) -> dict:
        consumer = self.processes.running["consumer"].pid
        os.kill(consumer, signal.SIGSTOP)  # messages pile up on the queue, to be kept across the restart
        try:
            time.sleep(self.size["hold"])
            waiting = self.rabbit_queue_depth()
            began = time.time()
            self.rabbit.restart()
            restart_s = round(time.time() - began, 1)
        finally:
            os.kill(consumer, signal.SIGCONT)
        return {"messages_on_queue_at_restart": waiting, "restart_s": restart_s}

    def rabbit_queue_depth(self) -> int | None:
        listed = self.rabbit.ctl("list_queues", "-q", "name", "messages", check=False).stdout
        for line in listed.splitlines():
            parts = line.split()
            if parts and parts[0] == "police.alerts" and parts[-1].isdigit():
                return int(parts[-1])
        return None

    def fault_kill(self) -> dict:
        victims = ("web-a", "delivery-a", "work-a")
        for name in victims:
            self.processes.kill(name)
        time.sleep(self.size["down"] * 2)  # the survivors carry everything meanwhile
        self.ready_before = {name: self.log_count(name, " ready.") for name in ("delivery-a", "work-a")}
        for name in victims:
            self.processes.restart(name)  # as a supervisor would; checked at the end (load_counts)
        return {"killed": list(victims), "down_s": self.size["down"] * 2}

    def fault_queue(self) -> dict:
        """Stop the police queue's server past any retry budget; poll the operator-scope health meanwhile."""
        outage = self.size["queue_down"]
        self.rabbit.stop()
        began, codes = time.monotonic(), []
        while time.monotonic() - began < outage:
            codes.append((round(time.monotonic() - began), self.health_code()))
            time.sleep(HEALTH_POLL_S)
        most_attempts = self.most_attempts()
        waiting = set(harness.outbox_rows(self.stack.db_url))  # the load goes on adding alerts: not those
        self.rabbit.start()
        back = time.monotonic()
        undelivered = harness.wait_delivered(self.stack.db_url, self.consumed, waiting, self.args.drain_timeout)
        delivered_after = round(time.monotonic() - back, 1)
        green = self.health_after_recovery()
        return {
            "outage_s": outage,
            "health_polls": len(codes),
            "health_503_during": sum(1 for _at, code in codes if code == 503),
            "health_200_during": sum(1 for _at, code in codes if code == 200),
            "health_other_during": sorted({code for _at, code in codes if code not in (200, 503)}),
            "most_attempts": most_attempts,
            "alerts_waiting": len(waiting),
            "all_delivered_after_s": delivered_after,
            "undelivered_after_recovery": len(undelivered),
            **green,
        }

    def most_attempts(self) -> int:
        with harness.connect_db(self.stack.db_url) as conn, conn.cursor() as cur:
            cur.execute("SELECT coalesce(max(attempts), 0) FROM alerts_alertoutbox WHERE status = 'pending'")
            return int(cur.fetchone()[0])

    def health_code(self) -> int:
        """The operator-scope health (signed in as the operator): a fresh check with the broker probes."""
        try:
            status, answer = self.operator.request("GET", "/api/v1/health")
            self.health_problems = answer.get("problems") if isinstance(answer, dict) else answer
            return status
        except (OSError, ConnectionError):
            return 0

    def health_after_recovery(self) -> dict:
        began = time.monotonic()
        while self.health_code() != 200 and time.monotonic() - began < 120:
            time.sleep(1.0)
        return {
            "health_green_after_s": round(time.monotonic() - began, 1),
            "health_after": self.health_code(),
            "health_problems_after": self.health_problems,
        }

    # Counting.

    def count(self) -> list[dict]:
        first, times = self.first_arrivals()
        results = []
        for name in self.faults:
            rows = self.rows(name, first)
            expected = delivered = missing = extra = late = duplicated = 0
            worst_s, failures = 0.0, []
            for here, row in rows:
                played = self.players[name].played[here.scenario.name]
                expected, delivered = expected + row.expected, delivered + row.delivered
                missing, extra = missing + row.missed, extra + row.extra
                failures += [f"{row.name}: {f}" for f in row.failures if f.startswith(("missed", "extra"))]
                for alert_id in row.taken:
                    arrived, body = first[alert_id]
                    delay = arrived - cause_sent(here, played, body)
                    worst_s = max(worst_s, delay)
                    late += delay > LATE_S
                    duplicated += times[alert_id] > 1
            started, ended = self.windows[name]
            batches = [b for b in self.load.batches if started <= b.sent_at < ended]
            results.append(
                {
                    "fault": name,
                    "stories": len(rows),
                    "scripted": expected,
                    "delivered": delivered,
                    "late": late,
                    "missing": missing,
                    "duplicated": duplicated,
                    "extra": extra,
                    "slowest_s": round(worst_s, 1),
                    "problems": failures,
                    "load_answers": self.load.summary(batches)["answers"],
                    **self.notes[name],
                }
            )
        return results

    def load_counts(self) -> dict:
        accepted, missing = harness.missing_fixes(self.stack.db_url, self.fleet, self.load.batches)
        summary = self.load.summary()
        produced = set(harness.outbox_rows(self.stack.db_url))
        return {
            "fixes_sent": summary["fixes_sent"],
            "fixes_accepted": accepted,
            "fixes_accepted_missing": missing,
            "answers": summary["answers"],
            **harness.alert_counts(produced, harness.arrivals(self.consumed)),
            "undelivered_after_drain": len(self.undelivered),
            "died": [n for n, p in self.processes.running.items() if p.poll() is not None],
            "restarted_not_ready": [
                n for n, count in getattr(self, "ready_before", {}).items() if self.log_count(n, " ready.") <= count
            ],
        }


def stamp(what: str) -> None:
    print(f"{time.strftime('%H:%M:%S', time.gmtime())} UTC {what}", file=sys.stderr, flush=True)


def cause_sent(here, played, body: dict) -> float:
    """Return when the device first sent what caused the alert: its fix (by event time) or its event.

    Falls back on the alert's creation for an alert no single step of the story causes.
    """
    caused = epoch((body.get("last_fix") or {}).get("time"))
    event_type = EVENT_OF_TYPE.get(body["incident"]["type"])
    for step in here.scenario.steps:
        by_event = isinstance(step, Event) and step.type == event_type
        by_fix = isinstance(step, Fix) and caused is not None and abs(played.start + step.t - caused) < 0.01
        if (by_event or (by_fix and not event_type)) and step.sent in played.sends:
            return played.sends[step.sent]
    return epoch(body["created_at"])


def failed(results: list[dict], load: dict) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for result in results:
        found = []
        if result["missing"]:
            found.append(f"{result['missing']} scripted alerts missing")
        if result["delivered"] + result["missing"] != result["scripted"]:
            found.append("scripted alerts do not add up")
        if set(result["load_answers"]) - {"202", "503", "refused"}:
            found.append(f"answers other than 202, 503 and refused: {result['load_answers']}")
        if result["fault"] == "queue":
            if not result["health_503_during"] or result["health_200_during"]:
                found.append("operator health did not fail throughout the police queue outage")
            if result["health_after"] != 200:
                found.append("operator health not green after every alert arrived")
            if result["undelivered_after_recovery"]:
                found.append(f"{result['undelivered_after_recovery']} alerts undelivered after the queue returned")
        if found:
            problems[result["fault"]] = found
    load_problems = []
    if load["fixes_accepted_missing"]:
        load_problems.append(f"{load['fixes_accepted_missing']} fixes answered 202 are not stored")
    if load["alerts_lost"]:
        load_problems.append(f"{load['alerts_lost']} alerts (outbox rows) never arrived")
    if load["died"]:
        load_problems.append(f"processes died: {load['died']}")
    if load["restarted_not_ready"]:
        load_problems.append(f"restarted workers never ready: {load['restarted_not_ready']}")
    if load_problems:
        problems["load"] = load_problems
    return problems


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI size: 90 s police-queue outage, about 7 minutes")
    parser.add_argument("--only", default=",".join(FAULTS), help="comma-separated faults, run in this order")
    parser.add_argument("--cluster", default="faults", help="own PostgreSQL cluster name")
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("FAULTS_PG_PORT", "5433")))
    parser.add_argument("--db", default=os.environ.get("FAULTS_DB", "banwatch_faults"))
    parser.add_argument("--redis-port", type=int, default=int(os.environ.get("FAULTS_REDIS_PORT", "6390")))
    parser.add_argument("--rabbit-port", type=int, default=int(os.environ.get("FAULTS_RABBIT_PORT", "5673")))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FAULTS_PORT", "8141")), help="and port+1")
    parser.add_argument("--drain-timeout", type=float, default=None, help="seconds to wait for every alert")
    parser.add_argument("--keep-cluster", action="store_true")
    parser.add_argument("--out", type=Path, default=harness.REPO / "var" / "faults")
    args = parser.parse_args()
    args.drain_timeout = args.drain_timeout or (120 if args.quick else 300)
    return args


def main() -> None:
    args = parse()
    started = time.time()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="banwatch-faults-") as workdir:
        drill = Drill(args, Path(workdir))
        try:
            drill.setup()
            print(f"setup done in {time.time() - started:.0f} s", file=sys.stderr, flush=True)
            drill.run()
            results, load = drill.count(), drill.load_counts()
        finally:
            drill.teardown()
    report = {
        "command": " ".join(sys.argv),
        "wall_s": round(time.time() - started),
        "load_average_end": os.getloadavg(),
        "faults": results,
        "load": load,
    }
    (args.out / "faults-result.json").write_text(json.dumps(report, indent=2))
    for result in results:
        print(json.dumps(result), file=sys.stderr)
    print_table(results, load)
    print(f"wall time {report['wall_s']} s; load average at the end {report['load_average_end']}")
    problems = failed(results, load)
    print("FAILED: " + json.dumps(problems) if problems else "OK: every scripted alert arrived, nothing accepted lost")
    sys.exit(1 if problems else 0)


def print_table(results: list[dict], load: dict) -> None:
    print(f"\nscripted alerts per fault (late: more than {LATE_S:.0f} s after the device first sent their cause)")
    columns = ("fault", "stories", "scripted", "delivered", "late", "missing", "duplicated", "extra", "slowest_s")
    print(" | ".join(columns))
    for result in results:
        print(" | ".join(str(result[c]) for c in columns))
        for problem in result["problems"]:
            print(f"    {problem}")
    print(
        f"\nload: {load['fixes_sent']} fixes sent, {load['fixes_accepted']} answered 202, "
        f"{load['fixes_accepted_missing']} of those not stored; answers {load['answers']}; "
        f"{load['alerts_produced']} alerts produced, {load['alerts_delivered']} delivered, "
        f"{load['alerts_duplicated']} duplicated, {load['alerts_lost']} lost; died: {load['died'] or 'none'}"
    )


if __name__ == "__main__":
    main()
