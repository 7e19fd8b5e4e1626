"""Keep a Celery worker alive when Redis goes away while the worker holds unacknowledged messages.

kombu 5.x closes a lost Redis connection after it has already dropped the connection's details; handing
back the worker's unacknowledged messages (a delivery waiting for its retry countdown, with late acks)
then fails with AttributeError ("'NoneType' object has no attribute 'hostname'"), which Celery treats as
unrecoverable: the worker process exits on a broker outage. Raise the connection error kombu expects
instead: the close is then ignored like any error on a dead connection and the worker reconnects. The
messages stay in Redis's unacked set, which kombu hands back after the visibility timeout; the outbox
sweeper re-sends an undelivered alert long before that.
"""

import redis
from kombu.transport import redis as kombu_redis

_connparams = kombu_redis.Channel._connparams


def _connparams_of_a_live_connection(self, asynchronous: bool = False) -> dict:
    if self.connection.client is None:
        raise redis.exceptions.ConnectionError("the broker connection is already closed")
    return _connparams(self, asynchronous)


def install() -> None:
    """Patch kombu's Redis channel once (tests/alerts/test_worker_survives_broker_loss.py shows why)."""
    kombu_redis.Channel._connparams = _connparams_of_a_live_connection
