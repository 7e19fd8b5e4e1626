"""A lost database connection answers 503 with Retry-After (never a 500), and the next request reconnects."""

import json
import socket
import threading
import time

import psycopg
import pytest
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.test import RequestFactory
from django.utils import translation
from rest_framework.test import APIClient

from config.errors import DatabaseUnavailableMiddleware
from geofence.models import Fix
from geofence.testing import make_ban, make_device, make_vendor
from tests.services import require_postgres

FIX = {"device": "EM-503", "ts": "2026-03-01T21:15:00Z", "lat": 52.63, "lon": 5.12, "accuracy_m": 8.0}


def middleware_answer(path: str, exception: Exception):
    request = RequestFactory().post(path)
    return DatabaseUnavailableMiddleware(lambda _request: None).process_exception(request, exception)


@pytest.mark.parametrize("exception", [OperationalError("connection refused"), InterfaceError("connection closed")])
def test_api_gets_json_503_with_retry_after(exception, settings):
    settings.DB_UNAVAILABLE_RETRY_AFTER_SECONDS = 7
    answer = middleware_answer("/api/v1/feeds/positions", exception)
    assert answer.status_code == 503
    assert answer["Retry-After"] == "7"
    assert json.loads(answer.content)["code"] == "database_unavailable"


def test_page_gets_a_dutch_503_and_english_when_chosen():
    assert "niet bereikbaar" in middleware_answer("/monitor/", OperationalError()).content.decode()
    with translation.override("en"):
        assert "not reachable" in middleware_answer("/monitor/", OperationalError()).content.decode()


def test_other_errors_are_left_alone():
    assert middleware_answer("/api/v1/feeds/positions", ValueError("a bug")) is None


def test_persistent_connections_are_health_checked(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


# The real thing, on PostgreSQL: the connection refused, and cut in the middle of a request.


def feed_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def vendor_key(transactional_db, eager_celery):
    require_postgres()
    vendor, key = make_vendor("outage")
    make_device(vendor, "EM-503", person=make_ban().person)
    return key


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_refused_connection_gets_503_then_the_resent_batch_is_stored(vendor_key):
    saved = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = closed_port()
    try:
        answer = feed_client(vendor_key).post("/api/v1/feeds/positions", {"fixes": [FIX]}, format="json")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved
    assert answer.status_code == 503, answer.content
    assert answer["Retry-After"] == "5"
    assert answer.json()["code"] == "database_unavailable"

    again = feed_client(vendor_key).post("/api/v1/feeds/positions", {"fixes": [FIX]}, format="json")
    assert again.status_code == 202 and again.json()["accepted"] == 1


def dsn() -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_for_lock_waiter(admin) -> int:
    for _ in range(200):
        row = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
        if row:
            return row[0]
        time.sleep(0.05)
    raise AssertionError("the request never waited for the lock")


def post_in_thread(key: str, answers: list) -> threading.Thread:
    def post():
        try:
            answers.append(feed_client(key).post("/api/v1/feeds/positions", {"fixes": [FIX]}, format="json"))
        finally:
            connection.close()

    thread = threading.Thread(target=post)
    thread.start()
    return thread


def test_connection_terminated_mid_request_gets_503_and_stores_nothing(vendor_key):
    answers = []
    with psycopg.connect(dsn(), autocommit=True) as admin, psycopg.connect(dsn()) as blocker:
        blocker.execute("LOCK TABLE geofence_fix IN ACCESS EXCLUSIVE MODE")  # the request waits at its insert
        thread = post_in_thread(vendor_key, answers)
        admin.execute("SELECT pg_terminate_backend(%s)", [wait_for_lock_waiter(admin)])
        thread.join(30)
        blocker.rollback()
    (answer,) = answers
    assert answer.status_code == 503, answer.content
    assert answer["Retry-After"] == "5"
    assert not Fix.objects.exists()


def test_next_request_after_a_terminated_connection_reconnects(vendor_key):
    client = feed_client(vendor_key)
    first = client.post("/api/v1/feeds/positions", {"fixes": [FIX]}, format="json")
    assert first.status_code == 202
    assert connection.connection is not None  # kept open between requests (CONN_MAX_AGE)
    with psycopg.connect(dsn(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    # What Django's handler does at every request start; the test client leaves it out.
    close_old_connections()

    second = client.post("/api/v1/feeds/positions", {"fixes": [FIX | {"ts": "2026-03-01T21:16:00Z"}]}, format="json")
    assert second.status_code == 202, second.content
    assert Fix.objects.count() == 2
