"""Reach the real services tests need; fail under CI when one is missing."""

import os
import socket

import pytest


def service_available(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip the test when the service is absent locally; fail it under CI."""
    if service_available(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must start it)")
    pytest.skip(message)


def require_redis() -> None:
    require_service("Redis", "127.0.0.1", 6379)


def require_rabbitmq() -> None:
    require_service("RabbitMQ", "127.0.0.1", 5672)


def require_postgres() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI runs the suite on PostgreSQL: DATABASE_URL must point at it")
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
