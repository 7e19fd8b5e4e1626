"""The alert message schema: valid JSON Schema 2020-12, one version, and it rejects incomplete messages."""

import json

from jsonschema import Draft202012Validator

from geofence.alerts.message import enforcement_block
from geofence.alerts.schema import SCHEMA_PATH, SCHEMA_VERSION, message_errors


def test_schema_file_is_a_valid_2020_12_schema():
    schema = json.loads(SCHEMA_PATH.read_text())

    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_complete_message_is_valid(make_message):
    assert message_errors(make_message(alert_id="5b0d7a4e-0000-4000-8000-000000000001")) == []


def test_message_of_another_version_is_invalid(make_message):
    message = make_message(alert_id="5b0d7a4e-0000-4000-8000-000000000001", schema_version=SCHEMA_VERSION + ".9")

    assert any(error.startswith("schema_version") for error in message_errors(message))


def test_missing_enforcement_and_naive_time_are_reported_by_path(make_message):
    message = make_message(alert_id="5b0d7a4e-0000-4000-8000-000000000001", created_at="2026-07-01T10:15:00")
    del message["enforcement"]

    errors = message_errors(message)

    assert any("'enforcement' is a required property" in error for error in errors)
    assert any(error.startswith("created_at") for error in errors)


def test_gedragsaanwijzing_allows_arrest_under_184a():
    block = enforcement_block("gedragsaanwijzing")

    assert (block["arrest_possible"], block["legal_article"], block["report_to_om"]) == (True, "art. 184a Sr", True)
    assert "184a Sr" in block["instruction"] and "OM" in block["instruction"]


def test_house_ban_allows_arrest_under_285c_not_184a():
    block = enforcement_block("tijdelijk_huisverbod")

    assert (block["arrest_possible"], block["legal_article"]) == (True, "art. 285c Sr")
    assert "285c Sr" in block["instruction"] and "184a" not in block["instruction"]


def test_other_bases_report_to_the_om():
    for basis in ("strafbeschikking", "bijzondere_voorwaarde", "civiel_verbod", None):
        block = enforcement_block(basis)
        assert (block["arrest_possible"], block["legal_article"], block["report_to_om"]) == (False, None, True)


def test_enforcement_block_is_valid_in_a_message(make_message):
    for basis in ("gedragsaanwijzing", "tijdelijk_huisverbod", "civiel_verbod", None):
        message = make_message(alert_id="5b0d7a4e-0000-4000-8000-000000000001")
        message["enforcement"] = enforcement_block(basis)
        assert message_errors(message) == []
