"""The decision import: binary garbage, wrong encodings, huge lines and fields, deep JSON, formula names."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.models import Person, RejectedRow

HEADER = (
    "authority;legal_basis;reference;decision_date;person_surname;person_given_names;person_date_of_birth;"
    "ban_kind;valid_from\n"
)


@pytest.fixture
def upload(eager_celery, django_capture_on_commit_callbacks):
    """Post a file as an import job and run the job (it starts when the upload commits); return the answer."""

    def post(client, name: str, content: bytes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/api/v1/imports", {"file": SimpleUploadedFile(name, content)}, format="multipart")

    return post


def finished_job(client, response) -> dict:
    assert response.status_code == 202, response.content[:300]
    return client.get(response.json()["url"]).json()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("besluiten.csv", bytes(range(256)) * 40, "encoding"),
        ("besluiten.json", b"\x89PNG\r\n\x1a\n" + bytes(1000), "encoding"),
        ("besluiten.csv", HEADER.encode("utf-16"), "encoding"),
        ("besluiten.csv", HEADER.encode("cp1252") + "om;x;1;2026-01-01;Müller\n".encode("cp1252"), "encoding"),
        ("besluiten.csv", (HEADER + "om;x;\x00;2026-01-01\n").encode(), "encoding"),
        ("besluiten.csv", HEADER.encode() + b'om;"' + b"a" * 200_000 + b'"\n', "invalid_csv"),
        ("besluiten.json", b"[" * 100_000 + b"]" * 100_000, "invalid_json"),
    ],
)
def test_unreadable_file_fails_its_job_with_line_and_code(client_for, upload, name, content, code):
    # A file is checked as it streams: the job stops at the unreadable line and says why.
    client = client_for("alice")
    response = upload(client, name, content)
    if response.status_code == 400:  # refused at once (an unreadable first line)
        assert response.json()["code"] == code
    else:
        assert finished_job(client, response)["status"] == "failed"
    assert RejectedRow.objects.get().errors[0]["code"] == code


def test_huge_single_line_over_the_body_limit_is_413(client_for, settings, upload):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = settings.IMPORT_MAX_FILE_BYTES = 100_000
    response = upload(client_for("alice"), "besluiten.csv", HEADER.encode() + b"x" * 200_000)
    assert response.status_code == 413


def test_deep_json_row_is_rejected_with_its_line(client_for, upload):
    rows = b'{"authority": "om", "person": {"x": ' + b"[" * 50 + b"]" * 50 + b"}}\n"
    client = client_for("alice")
    job = finished_job(client, upload(client, "besluiten.ndjson", rows))
    assert job["rows_rejected"] == 1
    assert "nested" in RejectedRow.objects.get().errors[0]["message"]


def test_nul_escape_in_a_json_row_is_a_field_error_and_the_row_is_kept(client_for, upload):
    row = b'{"authority": "om", "reference": "X\\u0000", "person": {"surname": "N\\u0000ul"}}\n'
    client = client_for("alice")
    job = finished_job(client, upload(client, "besluiten.ndjson", row))
    assert job["rows_rejected"] == 1
    assert "\x00" not in str(RejectedRow.objects.get().errors)


@pytest.mark.parametrize("formula", ["=cmd|' /C calc'!A0", "+1+1", "@SUM(1)", "-2+3"])
def test_formula_as_a_name_is_rejected_on_import(client_for, upload, formula):
    row = f"om;gedragsaanwijzing;F/1;2026-01-01;{formula};Jan;1980-01-01;area;2026-01-02\n"
    client = client_for("alice")
    job = finished_job(client, upload(client, "besluiten.csv", (HEADER + row).encode()))
    assert job["rows_rejected"] == 1
    assert not Person.objects.exists()
    assert any("surname" in e["field"] for e in RejectedRow.objects.get().errors)
