"""The police queue: publish alert messages with kombu, and read them back.

`POLICE_QUEUE_URL` picks the transport: `redis://`, `amqp://` (RabbitMQ) or
`filesystem://` (the embedded default, a directory under var/). The queue is
durable, messages are persistent, and on AMQP the channel runs in publisher
confirm mode: `publish` returns only after the broker has taken the message
(without confirms a RabbitMQ under a memory alarm can drop it silently).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from kombu import Connection, Exchange, Queue
from kombu.message import Message

log = logging.getLogger(__name__)

# Bounded waits: a dead broker must fail the attempt fast so the outbox can back off.
CONNECT_TIMEOUT_S = 3.0
PUBLISH_TIMEOUT_S = 5.0
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
PERSISTENT = 2  # AMQP delivery_mode: written to disk by the broker


class PoliceQueueError(Exception):
    """The police queue did not take the message (broker down, refused, or no confirm)."""


@dataclass(frozen=True)
class ReceivedAlert:
    """One message read from the police queue."""

    body: dict
    alert_id: str
    content_type: str
    delivery_mode: int | None


def transport_options(url: str) -> dict:
    """Return the kombu transport options for the URL's transport."""
    scheme = url.split("://", 1)[0].lower()
    if scheme.startswith("amqp") or scheme == "pyamqp":
        return {"confirm_publish": True, "read_timeout": PUBLISH_TIMEOUT_S, "write_timeout": PUBLISH_TIMEOUT_S}
    if scheme.startswith("redis") or scheme == "rediss":
        return {"socket_timeout": PUBLISH_TIMEOUT_S, "socket_connect_timeout": CONNECT_TIMEOUT_S}
    if scheme == "filesystem":
        folder = Path(settings.POLICE_QUEUE_FILESYSTEM_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        # One folder for both directions: producer and consumer share it.
        return {"data_folder_in": str(folder), "data_folder_out": str(folder), "polling_interval": 0.1}
    return {}


def is_confirmed_transport(url: str) -> bool:
    """Return True when a publish on this URL waits for the broker's confirm."""
    return bool(transport_options(url).get("confirm_publish"))


class PoliceQueue:
    """A connection to the police queue, reused across publishes and reopened after errors.

    Thread-safe (gunicorn threads, eager Celery) and fork-aware: a child
    process never reuses its parent's socket.
    """

    def __init__(self, url: str | None = None, queue_name: str | None = None) -> None:
        self.url = url or settings.POLICE_QUEUE_URL
        self.queue_name = queue_name or settings.POLICE_QUEUE_NAME
        self.queue = Queue(self.queue_name, exchange=Exchange(""), routing_key=self.queue_name, durable=True)
        self._lock = threading.Lock()
        self._connection: Connection | None = None
        self._producer = None
        self._pid = os.getpid()

    def connect(self) -> Connection:
        """Return a new, unconnected kombu connection for the queue URL."""
        return Connection(
            self.url, connect_timeout=CONNECT_TIMEOUT_S, transport_options=transport_options(self.url), heartbeat=0
        )

    def publish(self, body: dict, *, alert_id: str) -> None:
        """Put one message on the queue; raise PoliceQueueError unless the broker has it."""
        with self._lock:
            try:
                self._producer_for_this_process().publish(
                    body,
                    exchange="",
                    routing_key=self.queue_name,
                    serializer="json",
                    delivery_mode=PERSISTENT,
                    message_id=alert_id,
                    headers={"alert_id": alert_id},
                    declare=[self.queue],
                    retry=True,
                    retry_policy=PUBLISH_RETRY_POLICY,
                    timeout=PUBLISH_TIMEOUT_S,
                    confirm_timeout=PUBLISH_TIMEOUT_S,
                )
            except Exception as exc:
                # Whatever went wrong, the connection is suspect: start afresh next time.
                self._reset()
                raise PoliceQueueError(f"{type(exc).__name__}: {exc}") from exc

    def ping(self) -> None:
        """Connect and declare the queue; raise PoliceQueueError when that fails."""
        try:
            with self.connect() as conn:
                conn.ensure_connection(max_retries=1, timeout=CONNECT_TIMEOUT_S)
                self.queue(conn.default_channel).declare()
        except Exception as exc:
            raise PoliceQueueError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._reset()

    def receive(self, *, count: int | None = None, timeout: float = 5.0) -> Iterator[tuple[ReceivedAlert, Message]]:
        """Yield (alert, message) pairs as they arrive; the caller acks each message.

        Stops after `count` messages, or when nothing arrives for `timeout` seconds.
        A message the caller has not acked goes back on the queue when this stops.
        """
        arrived: deque[Message] = deque()
        received = 0
        with (
            self.connect() as conn,
            conn.Consumer(
                self.queue,
                accept=["json"],
                callbacks=[lambda _body, message: arrived.append(message)],
                prefetch_count=1,
            ),
        ):
            while count is None or received < count:
                if not arrived:
                    try:
                        conn.drain_events(timeout=timeout)
                    except TimeoutError:
                        return
                    continue
                received += 1
                message = arrived.popleft()
                yield _as_received(message), message

    def drain(self, *, timeout: float = 1.0) -> list[ReceivedAlert]:
        """Read and ack everything on the queue until it is quiet for `timeout` seconds."""
        alerts = []
        for alert, message in self.receive(timeout=timeout):
            message.ack()
            alerts.append(alert)
        return alerts

    def purge(self) -> int:
        with self.connect() as conn:
            queue = self.queue(conn.default_channel)
            queue.declare()
            return queue.purge() or 0

    def _producer_for_this_process(self):
        if self._pid != os.getpid():
            # A forked child: drop the inherited socket without closing the parent's.
            self._connection, self._producer, self._pid = None, None, os.getpid()
        if self._producer is None:
            self._connection = self.connect()
            self._producer = self._connection.Producer()
        return self._producer

    def _reset(self) -> None:
        connection, self._connection, self._producer = self._connection, None, None
        if connection is not None:
            # Closing a broken connection may fail too; it is dropped either way.
            with contextlib.suppress(Exception):
                connection.release()


def _as_received(message) -> ReceivedAlert:
    headers = message.headers or {}
    properties = message.properties or {}
    return ReceivedAlert(
        body=message.decode(),
        alert_id=str(headers.get("alert_id") or properties.get("message_id") or ""),
        content_type=message.content_type,
        delivery_mode=properties.get("delivery_mode"),
    )


_shared: PoliceQueue | None = None
_shared_lock = threading.Lock()


def police_queue() -> PoliceQueue:
    """Return this process's shared publisher for the configured queue URL."""
    global _shared
    with _shared_lock:
        if _shared is None or (_shared.url, _shared.queue_name) != (
            settings.POLICE_QUEUE_URL,
            settings.POLICE_QUEUE_NAME,
        ):
            _shared = PoliceQueue()
        return _shared
