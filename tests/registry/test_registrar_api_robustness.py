"""Malformed JSON, wrong types and huge bodies get 400 or 413 on every registrar write, never 500."""

import pytest

WRITES = ["/api/v1/persons/", "/api/v1/protected-persons/", "/api/v1/decisions/", "/api/v1/bans/"]
BAD_BODIES = [
    b"{",
    b'{"kind": "area",}',
    b"[1, 2, 3]",
    b'"a string"',
    b"null",
    b'{"radius_m": NaN}',
    b'{"valid_from": {"nested": true}, "kind": ["area"], "person": "een", "centre_lat": [52]}',
    b"\xff\xfe not utf-8",
]


@pytest.mark.parametrize("path", WRITES)
@pytest.mark.parametrize("body", BAD_BODIES)
def test_bad_json_is_a_client_error(client_for, path, body):
    response = client_for("alice").generic("POST", path, body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.content[:200]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_bad_import_body_is_refused_or_every_row_rejected(
    client_for, body, eager_celery, django_capture_on_commit_callbacks
):
    client = client_for("alice")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.generic("POST", "/api/v1/imports", body, content_type="application/json")
    assert response.status_code in (202, 400), response.content[:200]
    if response.status_code == 202:
        job = client.get(response["Location"]).json()
        assert job["status"] in ("done", "failed")
        assert job["rows_rejected"] >= 1
        assert job["rows_created"] == job["rows_updated"] == 0


@pytest.mark.parametrize("path", [*WRITES, "/api/v1/imports"])
def test_huge_body_is_413(client_for, settings, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = settings.IMPORT_MAX_FILE_BYTES = 10_000
    body = b'{"given_names": "' + b"x" * 20_000 + b'"}'
    response = client_for("alice").generic("POST", path, body, content_type="application/json")
    assert response.status_code == 413


def test_wrong_types_on_update_are_400(client_for, area_ban):
    body = {"radius_m": {"a": 1}, "time_windows": "elke nacht", "reason": ["lijst"]}
    response = client_for("alice").patch(f"/api/v1/bans/{area_ban.pk}/", body, format="json")
    assert response.status_code == 400
    assert {"radius_m", "time_windows", "reason"} <= set(response.json())


def test_unknown_object_is_404(client_for):
    assert client_for("alice").get("/api/v1/bans/987654/").status_code == 404
    assert client_for("alice").post("/api/v1/bans/987654/revoke/", {"reason": "x"}).status_code == 404


def test_bad_filter_value_is_400(client_for):
    response = client_for("alice").get("/api/v1/bans/", {"in_force_at": "volgende week"})
    assert response.status_code == 400
    assert "in_force_at" in response.json()
