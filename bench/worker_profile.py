"""Where the web workers' time goes under load: py-spy samples of each gunicorn worker split by step, and
what their PostgreSQL backends are doing (BackendWaits).

A sampling profiler that reads the workers' stacks from outside (py-spy, `--gil`: only samples of a
thread holding the interpreter lock, i.e. running Python or C code called from it; waits for PostgreSQL
release the lock and are left out). Unlike cProfile it does not slow the calls it counts, so the split holds
for the loaded server of the same run; py-spy's own sampling takes a few per cent of a core.

Each step's share counts the samples whose stack holds the step's function, so nested steps count in their
parents too, as in `ingest_cpu.py --sections`.
"""

import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

# (label, defining file, qualified name) as py-spy names a frame: "qualname (file:line)".
STEPS = (
    ("the whole request", "gunicorn/workers/gthread.py", "ThreadWorker.handle_request"),
    ("the feed view", "geofence/feeds/api.py", "PositionsFeedView.post"),
    ("  authentication (API key)", "geofence/feeds/auth.py", "VendorApiKeyAuthentication.authenticate"),
    ("  reading the body and the JSON", "geofence/feeds/api.py", "read_batch"),
    ("  storing and evaluating (store_fixes)", "geofence/feeds/services.py", "store_fixes"),
    ("    validation", "geofence/feeds/serializers.py", "validate_fixes"),
    ("    resolving the devices", "geofence/feeds/services.py", "resolve_devices"),
    ("    locking their status rows", "geofence/db.py", "lock_devices"),
    ("    the storing statement", "geofence/feeds/services.py", "insert_and_record"),
    ("    evaluation", "geofence/feeds/services.py", "record_and_evaluate"),
    ("      the engine", "geofence/engine/evaluate.py", "evaluate"),
    ("      zone tracks read", "geofence/incidents/tracking.py", "tracks_of"),
    ("      previous fixes", "geofence/incidents/evaluation.py", "_previous_fixes"),
    ("      active incidents read", "geofence/incidents/tracking.py", "_active_incidents"),
    ("      the tracker's steps and writes", "geofence/incidents/tracking.py", "ZoneIncidents.run"),
    ("    clock offsets", "geofence/incidents/clocks.py", "record_offsets"),
    ("    ending the transactions (commit, savepoints)", "django/db/transaction.py", "Atomic.__exit__"),
)


class WorkerProfile:
    """Sample the given worker processes from start() to stop() with py-spy."""

    def __init__(self, pids: list[int], rate: int = 250, steps: tuple = STEPS) -> None:
        self.pids, self.rate, self.steps = pids, rate, steps
        self.samplers: list[tuple[subprocess.Popen, Path]] = []

    def start(self) -> None:
        spy = Path(sys.executable).with_name("py-spy")
        if not spy.exists():
            raise SystemExit(f"--profile-workers needs py-spy ({spy} is missing): pip install -r requirements.txt")
        self.folder = Path(tempfile.mkdtemp(prefix="banwatch-worker-profile-"))
        for pid in self.pids:
            out = self.folder / f"{pid}.txt"
            command = [str(spy), "record", "-p", str(pid), "-r", str(self.rate), "--gil", "--nonblocking"]
            sampler = subprocess.Popen(
                [*command, "-f", "raw", "-o", str(out)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            self.samplers.append((sampler, out))

    def stop(self, gunicorn_cpu_ms_per_1000: float) -> dict:
        """Stop sampling; return each step's share of the samples and its CPU in ms per 1,000 fixes."""
        stacks: Counter = Counter()
        for sampler, out in self.samplers:
            sampler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
            _, errors = sampler.communicate(timeout=60)
            if not out.exists():
                raise SystemExit(f"py-spy wrote no samples (exit {sampler.returncode}): {errors.decode()[-500:]}")
            stacks.update(read_raw(out))
            out.unlink()
        os.rmdir(self.folder)
        return split(stacks, gunicorn_cpu_ms_per_1000, self.steps)


def read_raw(path: Path) -> Counter:
    """Return {stack: samples} of a py-spy raw file ("frame;frame;... count" per line)."""
    found: Counter = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack:
            found[stack] += int(count)
    return found


def split(stacks: Counter, cpu_ms_per_1000: float, wanted: tuple = STEPS) -> dict:
    """Return the samples, and per step its share and the matching part of the CPU per 1,000 fixes."""
    total = sum(stacks.values())
    steps = {}
    for label, path, name in wanted:
        samples = sum(n for stack, n in stacks.items() if any(_is(f, path, name) for f in stack.split(";")))
        share = samples / total if total else 0.0
        steps[label] = {"share": round(share, 3), "ms_per_1000_fixes": round(share * cpu_ms_per_1000, 1)}
    return {"samples": total, "gunicorn_cpu_ms_per_1000_fixes": cpu_ms_per_1000, "steps": steps}


def _is(frame: str, path: str, name: str) -> bool:
    # py-spy shortens a file to its path under sys.path ("geofence/db.py"), or keeps more of it.
    return frame.startswith(f"{name} (") and (f"({path}:" in frame or f"/{path}:" in frame)


def report(profile: dict) -> str:
    """Return the split as a table."""
    lines = [f"where the gunicorn workers' Python time went ({profile['samples']:,} py-spy samples, --gil):"]
    lines.append(f"{'step':50} {'share':>6} {'ms per 1,000 fixes':>19}")
    for label, figures in profile["steps"].items():
        lines.append(f"{label:50} {figures['share']:6.1%} {figures['ms_per_1000_fixes']:19.1f}")
    return "\n".join(lines)


class BackendWaits:
    """Sample what the bench database's PostgreSQL backends are doing, from pg_stat_activity, in a thread.

    One backend serves one worker thread, so the shares say how the workers' requests spend their time on
    the database side: running, waiting for another transaction's row lock, for WAL or I/O, or idle in a
    transaction while the worker runs Python. Backends that stayed idle throughout (the bench's own
    connections) are left out.
    """

    def __init__(self, dsn: str, database: str, interval: float = 0.02) -> None:
        self.dsn, self.database, self.interval = dsn, database, interval
        self.counts: dict[int, Counter] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            query = (
                "SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            while not self.done.wait(self.interval):
                for pid, state, kind, event in conn.execute(query, [self.database]).fetchall():
                    self.counts.setdefault(pid, Counter())[_backend_state(state, kind, event)] += 1

    def stop(self) -> dict:
        """Stop sampling; return the working backends, their samples and each state's share, largest first."""
        self.done.set()
        self.thread.join()
        working = [c for c in self.counts.values() if set(c) != {IDLE}]
        counts = sum(working, Counter())
        total = sum(counts.values())
        shares = {state: round(n / total, 3) for state, n in counts.most_common()} if total else {}
        return {"backends": len(working), "samples": total, "shares": shares}


IDLE = "between requests"


def _backend_state(state: str | None, kind: str | None, event: str | None) -> str:
    if state == "active" and kind is None:
        return "running a statement"
    if kind == "Lock":
        return f"waiting for a lock ({event})"
    if state == "idle in transaction":
        return "in a transaction, waiting for its worker"
    if state == "idle":
        return IDLE
    return f"{state}, waiting for {kind}: {event}"


def report_waits(waits: dict) -> str:
    """Return the backends' states as a table."""
    head = f"what the {waits['backends']} working PostgreSQL backends were doing"
    lines = [f"{head} ({waits['samples']:,} samples of pg_stat_activity):"]
    lines += [f"{state:60} {share:6.1%}" for state, share in waits["shares"].items()]
    return "\n".join(lines)
