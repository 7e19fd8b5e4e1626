"""Production logs are JSON lines with time, level, logger and the id of the request they belong to."""

import json
import logging

from config.logs import JsonFormatter, RequestIdFilter, request_id


def test_a_log_line_is_json_with_time_level_logger_and_request_id():
    record = logging.LogRecord("geofence.feeds", logging.WARNING, __file__, 1, "batch of %d refused", (3,), None)
    token = request_id.set("abc123")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)

    line = json.loads(JsonFormatter().format(record))

    assert line["level"] == "WARNING" and line["logger"] == "geofence.feeds"
    assert line["message"] == "batch of 3 refused" and line["request_id"] == "abc123"
    assert line["time"].endswith("+00:00")


def test_every_answer_carries_its_request_id(client):
    given = client.get("/accounts/login/", HTTP_X_REQUEST_ID="proxy-42")
    made = client.get("/accounts/login/")

    assert given["X-Request-ID"] == "proxy-42"
    assert len(made["X-Request-ID"]) == 32


def test_a_request_id_that_is_not_a_token_is_replaced(client):
    answer = client.get("/accounts/login/", HTTP_X_REQUEST_ID="<script>")
    assert answer["X-Request-ID"] != "<script>"
