"""Helpers for the fault tests: private redis-server instances and real Celery worker processes.

Imported by the fault tests only; the machine's shared services are never touched.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

REPO = Path(settings.BASE_DIR)
PRIVATE_PORTS = range(16380, 16400)


def free_port() -> int:
    for port in PRIVATE_PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no spare port in 16380-16399")


def wait_for(predicate, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout} s")


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class PrivateRedis:
    """A redis-server of our own, with append-only persistence like production (docker-compose)."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.workdir)]
            + ["--save", "", "--appendonly", "yes", "--appendfsync", "always"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), 10, what=f"redis-server on {self.port}")

    def stop(self) -> None:
        """Stop it the way an outage does; append-only persistence keeps what it acknowledged."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def pause(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


def worker_env(**overrides) -> dict:
    """Environment for a worker process sharing the test database (PostgreSQL)."""
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="WARNING",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


class Worker:
    """A real `celery -A config worker` subprocess."""

    def __init__(self, env: dict, logfile: Path, *, beat: bool = False, schedule: Path | None = None) -> None:
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "delivery,default,ingest"]
        command += ["-c", "1", "--pool", "prefork", "-l", "INFO", "--without-mingle", "--without-gossip"]
        if beat:
            command += ["-B", "-s", str(schedule or logfile.with_suffix(".beat"))]
        self.logfile = logfile
        self._log = open(logfile, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float = 60) -> None:
        wait_for(lambda: "ready." in self.log() or self.process.poll() is not None, timeout, what="worker ready")
        if self.process.poll() is not None:
            raise RuntimeError("worker exited:\n" + self.log())

    def log(self) -> str:
        return self.logfile.read_text(errors="replace")

    def pool_children(self) -> list[int]:
        """Return the pids of the processes the worker forked (pool children, embedded beat)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self._log.close()
