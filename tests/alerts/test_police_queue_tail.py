"""python manage.py police_queue tail: one Dutch line per alert, JSON with --json, ack after printing."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from geofence.alerts.police_queue import PoliceQueue

pytestmark = pytest.mark.services


def tail(*args) -> str:
    out = StringIO()
    call_command("police_queue", "tail", *args, stdout=out)
    return out.getvalue()


def test_tail_prints_a_dutch_summary_line(redis_queue_url, make_message):
    message = make_message(12, alert_id="5b0d7a4e-0000-4000-8000-000000000012", created_at="2026-07-01T10:15:00+00:00")
    PoliceQueue().publish(message, alert_id=message["alert_id"])

    line = tail("--count", "1", "--timeout", "2").strip()

    assert line.startswith("PRIO 1 | 01-07-2026 12:15:00 | gebiedsverbod overtreden (geopend) |")
    assert "Testje van Voorbeeld (geb. 01-01-1990)" in line
    assert "positie 52.01000, 5.01000 (4 s oud)" in line
    assert "aanhouding mogelijk (art. 184a Sr)" in line


def test_tail_json_prints_the_message_and_acks_it(redis_queue_url, make_message):
    message = make_message(13, alert_id="5b0d7a4e-0000-4000-8000-000000000013")
    PoliceQueue().publish(message, alert_id=message["alert_id"])

    output = tail("--json", "--timeout", "1")

    assert json.loads(output.split("\n", 1)[1]) == message
    assert PoliceQueue().drain(timeout=0.3) == []


def test_tail_says_report_to_om_without_arrest_power(redis_queue_url, make_message):
    from geofence.alerts.message import enforcement_block

    message = make_message(14, alert_id="5b0d7a4e-0000-4000-8000-000000000014")
    message["enforcement"] = enforcement_block("bijzondere_voorwaarde")
    PoliceQueue().publish(message, alert_id=message["alert_id"])

    assert "melden aan OM" in tail("--count", "1", "--timeout", "2")
