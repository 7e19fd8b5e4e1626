"""Run the demo's processes side by side and stop them together.

The web server, the feed simulator and the police-queue consumer run as
child processes, each in its own session so that Ctrl-C reaches only this
supervisor, which then stops them in order. Their output is printed with a
name in front. Periodic Celery tasks (the beat schedule) run on a thread here,
in-process, as the embedded default has no broker.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

_print_lock = threading.Lock()


def say(name: str, line: str) -> None:
    """Print one line with the component's name in front; safe across threads."""
    with _print_lock:
        sys.stdout.write(f"[{name}] {line.rstrip()}\n")
        sys.stdout.flush()


@dataclass
class Child:
    """A child process whose output is printed line by line with its name."""

    name: str
    argv: list[str]
    required: bool = True  # when it exits, the demo is over
    quiet: re.Pattern | None = None  # lines not worth showing, e.g. every accepted feed request
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
            self.argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            bufsize=1,
            env=env,
            start_new_session=True,
        )
        threading.Thread(target=self._pump, daemon=True, name=f"pump-{self.name}").start()

    def _pump(self) -> None:
        for line in self.process.stdout:
            if self.quiet is None or not self.quiet.search(line):
                say(self.name, line)

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def stop(self, grace_s: float = 5.0) -> None:
        """Ask the process to stop (SIGTERM), and kill it when it does not within the grace period."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(grace_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class PeriodicTasks(threading.Thread):
    """Call each task of the beat schedule on its interval, in this process (the embedded 'beat + worker')."""

    def __init__(self, tasks: list[tuple[str, float, Callable[[], object]]], stop: threading.Event) -> None:
        super().__init__(daemon=True, name="periodic-tasks")
        self.tasks = tasks
        self.stop_event = stop

    def run(self) -> None:
        due = {name: time.monotonic() + interval for name, interval, _ in self.tasks}
        while not self.stop_event.wait(0.5):
            for name, interval, call in self.tasks:
                if time.monotonic() >= due[name]:
                    due[name] = time.monotonic() + interval
                    self._call(name, call)

    def _call(self, name: str, call: Callable[[], object]) -> None:
        from django.db import close_old_connections

        try:
            call()
        except Exception as exc:  # noqa: BLE001 (one failing task must not stop the demo)
            say("taken", f"{name} mislukt: {exc!r}")
        finally:
            close_old_connections()


def beat_tasks(schedule: dict, min_interval_s: float = 1.0) -> list[tuple[str, float, Callable[[], object]]]:
    """Return (name, interval, call) for every entry of a Celery beat schedule with a fixed interval."""
    from config.celery import app

    # A worker imports the apps' tasks modules when it starts; do the same here.
    app.loader.import_default_modules()
    tasks = []
    for name, entry in schedule.items():
        interval = _seconds(entry.get("schedule"))
        task = app.tasks.get(entry.get("task", ""))
        if interval is None or task is None:
            say("taken", f"{name}: overgeslagen (geen vast interval of onbekende taak)")
            continue
        args, kwargs = tuple(entry.get("args", ())), dict(entry.get("kwargs", {}))
        tasks.append((name, max(interval, min_interval_s), lambda t=task, a=args, k=kwargs: t.apply(a, k)))
    return tasks


def _seconds(schedule) -> float | None:
    if isinstance(schedule, int | float):
        return float(schedule)
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    run_every = getattr(schedule, "run_every", None)  # celery.schedules.schedule
    return run_every.total_seconds() if isinstance(run_every, timedelta) else None


def wait_for_port(host: str, port: int, timeout_s: float, alive: Callable[[], bool]) -> bool:
    """Return True once something listens on host:port; False on timeout or when `alive` turns False."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and alive():
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def install_stop_handlers(stop: threading.Event) -> None:
    """Turn Ctrl-C and SIGTERM into a clean stop of the whole demo."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
