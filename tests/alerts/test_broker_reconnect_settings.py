"""Celery workers never give up on a lost broker: they reconnect for ever instead of exiting."""

from config.celery import app


def test_workers_keep_reconnecting_to_a_lost_broker():
    assert app.conf.broker_connection_retry is True
    assert app.conf.broker_connection_retry_on_startup is True
    assert app.conf.broker_connection_max_retries is None  # None: no limit (0 would also mean "retry for ever")
