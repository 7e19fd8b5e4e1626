"""Private PostgreSQL, Redis and RabbitMQ servers for the fault drill, to be killed and restarted at will.

The machine's shared servers (PostgreSQL 5432, Redis 6379, RabbitMQ 5672) are never touched: each fault is
done to a server of the drill's own, which is removed at the end, also after a failure.

- `PrivatePostgres`: a cluster of its own (pg_createcluster), stopped, or its postmaster SIGKILLed.
- `PrivateRedis`: a redis-server on its own port, with or without persistence; killed and started again.
- `PrivateRabbit`: a RabbitMQ node of its own (own node name, ports, data and log folders, no plugins);
  stopped (the whole Erlang node) and started again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_for(predicate, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout} s")


class PrivatePostgres:
    """A PostgreSQL cluster of our own, which may be stopped or killed; created (and dropped) when missing."""

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

    @property
    def data_dir(self) -> Path:
        return Path(f"/var/lib/postgresql/{self.version}/{self.name}")

    def ctl(self, action: str, *options: str) -> None:
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action, *options]
        subprocess.run(command, check=True, capture_output=True)

    def start(self) -> None:
        # After a SIGKILL the backends notice their postmaster is gone and exit; until the last one has, the
        # shared memory is in use and a new postmaster refuses to start. Try again for a while.
        deadline = time.monotonic() + 60
        while True:
            try:
                self.ctl("start")
                break
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1.0)
        wait_for(lambda: port_open(self.port), 60, what=f"PostgreSQL on {self.port}")

    def stop(self) -> None:
        self.ctl("stop", "-m", "fast")  # connections terminated, as in a restart or failover

    def postmaster_pid(self) -> int:
        return int((self.data_dir / "postmaster.pid").read_text().split()[0])

    def kill(self) -> int:
        """SIGKILL the postmaster (a crash or an OOM kill); return its pid. Backends die on their own."""
        pid = self.postmaster_pid()
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: not Path(f"/proc/{pid}").exists() or _zombie(pid), 10, what="postmaster gone")
        return pid

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", self.version, self.name, "--stop"], check=False, capture_output=True)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


class PrivateRedis:
    """A redis-server of our own on a fixed port, with append-only persistence or none at all."""

    def __init__(self, workdir: Path, port: int, *, persistent: bool) -> None:
        self.workdir, self.port, self.persistent = workdir, port, persistent
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.persistent else ["--appendonly", "no"]
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.workdir)]
            + ["--save", "", *persistence],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), 10, what=f"redis-server on {self.port}")

    def kill(self) -> None:
        """SIGKILL the server: without persistence everything it held (queued Celery messages) is gone."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class PrivateRabbit:
    """A RabbitMQ node of our own: node name, AMQP and distribution ports, data and logs under `workdir`.

    No plugins (the machine's enabled-plugins file would start a second management listener on the
    shared node's port). The default user guest/guest and vhost "/" serve the drill; guest may connect from
    127.0.0.1 only, which is where everything runs. rabbitmqctl reaches the node by name (-n).
    """

    def __init__(self, workdir: Path, port: int, *, node: str | None = None) -> None:
        # The node is named after its port, so two runs on other ports do not meet.
        self.workdir, self.port, self.node = workdir, port, node or f"banwatch-faults-{port}@localhost"

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def environment(self) -> dict:
        plugins = self.workdir / "enabled_plugins"
        if not plugins.exists():
            # The server runs as the rabbitmq user (the packaged scripts switch to it when run as root).
            self.workdir.mkdir(parents=True, exist_ok=True)
            plugins.write_text("[].\n")
            if os.geteuid() == 0:
                for path in (self.workdir, plugins):
                    shutil.chown(path, "rabbitmq", "rabbitmq")
        return {
            **os.environ,
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.port + 20000),
            "RABBITMQ_MNESIA_BASE": str(self.workdir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.workdir / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(plugins),
            "RABBITMQ_PID_FILE": str(self.workdir / "rabbit.pid"),
            "RABBITMQ_CONFIG_FILE": str(self.workdir / "rabbitmq"),  # absent: defaults
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(self.workdir / "advanced.config"),
        }

    def ctl(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        command = ["rabbitmqctl", "-n", self.node, *args]
        return subprocess.run(
            command, env=self.environment(), capture_output=True, text=True, check=check, timeout=timeout
        )

    def start(self) -> None:
        if port_open(self.port):
            raise SystemExit(f"port {self.port} is taken; choose another for the private RabbitMQ")
        subprocess.run(["rabbitmq-server", "-detached"], env=self.environment(), check=True, capture_output=True)
        self.ctl("wait", "--timeout", "90", str(self.workdir / "rabbit.pid"), timeout=120)
        wait_for(lambda: port_open(self.port), 60, what=f"RabbitMQ on {self.port}")

    def stop(self) -> None:
        """Stop the whole node (the Erlang VM), as a server restart or crash does."""
        self.ctl("stop", check=False, timeout=120)
        wait_for(lambda: not port_open(self.port), 60, what=f"RabbitMQ on {self.port} stopped")

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        """Stop the node if it runs and delete its data."""
        if port_open(self.port) or (self.workdir / "rabbit.pid").exists():
            try:
                self.stop()
            except (TimeoutError, subprocess.TimeoutExpired):
                pid_file = self.workdir / "rabbit.pid"
                if pid_file.exists():
                    with contextlib.suppress(OSError, ValueError):
                        os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
        shutil.rmtree(self.workdir, ignore_errors=True)
