"""The one-command demo on the embedded default: within a minute an incident opens and its alert is consumed."""

import os
import queue
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 60.0
INCIDENT_LINE = re.compile(r"^\[demo\] Incident #\d+ geopend")
ALERT_LINE = re.compile(r"^\[politie-wachtrij\] PRIO .*Joris van der Testhoven")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def embedded_env(tmp_path: Path) -> dict[str, str]:
    """The embedded default, whatever CI exports: SQLite, eager Celery, filesystem police queue."""
    env = dict(os.environ)
    env.update(
        BANWATCH_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        CELERY_BROKER_URL="",
        POLICE_QUEUE_URL="filesystem://",
        DEBUG="true",
        BANWATCH_DEMO="true",
        PYTHONUNBUFFERED="1",
    )
    return env


class Output:
    """Collect a process's output lines on a thread, so the test can wait for some with a deadline."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process) -> None:
        for line in process.stdout:
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, patterns: list[re.Pattern], deadline: float) -> dict[re.Pattern, str]:
        found: dict[re.Pattern, str] = {}
        while len(found) < len(patterns) and time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            self.lines.append(line)
            found |= {p: line for p in patterns if p not in found and p.search(line)}
        return found

    def tail(self, n: int = 60) -> str:
        return "\n".join(self.lines[-n:])


def test_demo_shows_an_incident_and_its_alert_within_a_minute(tmp_path):
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "demo", "--port", str(free_port()), "--duration", "120"],
        cwd=ROOT,
        env=embedded_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = Output(process)
    try:
        found = output.wait_for([INCIDENT_LINE, ALERT_LINE], started + DEADLINE_S)
        assert INCIDENT_LINE in found, "no incident within 60 s:\n" + output.tail()
        assert ALERT_LINE in found, "the consumer printed no alert within 60 s:\n" + output.tail()
    finally:
        # Ctrl-C, as a user would: the demo stops its children and exits 0.
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    output.wait_for([re.compile(r"^\[demo\] Gestopt")], time.monotonic() + 5)
    assert code == 0, output.tail()

    with sqlite3.connect(tmp_path / "demo.sqlite3") as db:
        incidents = db.execute("SELECT id FROM geofence_incident").fetchall()
        alerts = db.execute("SELECT incident_id FROM alerts_alertoutbox").fetchall()
    assert incidents
    assert {row[0] for row in alerts} & {row[0] for row in incidents}
