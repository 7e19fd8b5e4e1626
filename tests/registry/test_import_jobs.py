"""Import jobs: refusal of unknown keys with their line, chunked commits that survive a dead worker, roles."""

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from registry.importer import create_job, import_file, run_job
from registry.letters.models import VictimNotice
from registry.models import Ban, Decision, HistoryEntry, ImportBatch, ImportStatus, Person

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "decisions"
HEADER = "authority,legal_basis,reference,decision_date,person_given_names,person_surname,person_date_of_birth,"
HEADER += "person_strafrechtketennummer,ban_kind,valid_from,valid_until,centre_lat,centre_lon,radius_m\n"


def letters(n: int) -> str:
    return "".join(chr(ord("a") + int(d)) for d in f"{n:03d}")  # names match without their digits


def csv_rows(count: int, start: int = 0, bad_every: int = 7, bad_at: int = 3) -> str:
    """Return CSV rows of one-ban decisions (row n on line n + 2); n % bad_every == bad_at: radius over 50 km."""
    return "".join(
        f"court,vrijheidsbeperkende_maatregel,J{n:05d}-26,2026-04-01,Kees,Verzin{letters(n)},1980-01-0{1 + n % 9},"
        f"SKN-J{n:05d},area,2026-04-02,2027-04-01,52.1,5.1,{75000 if n % bad_every == bad_at else 5000}\n"
        for n in range(start, start + count)
    )


class WorkerDied(BaseException):
    """A worker process killed mid-file (not an Exception: the job must not catch it)."""


def die_after_two_chunks(job):
    """Progress callback of a worker that dies once lines 2-21 (two chunks of ten) are committed."""
    if job.last_line >= 21:
        raise WorkerDied


def test_misspelt_json_keys_are_refused_with_line_and_the_meant_name(db):
    rows = json.loads((SEEDS / "om_decisions.json").read_bytes())
    rows[0]["bans"][0].update(valid_untill="2026-07-01", radius_meters=2000)
    batch = import_file(json.dumps(rows, indent=1).encode(), filename="spelling.json")
    assert (batch.rows_created, batch.rows_rejected) == (3, 1)
    errors = {e["field"]: e for e in batch.rejected_rows.get().errors}
    assert errors["bans[0].valid_untill"]["code"] == "unknown_field"
    assert "'valid_until'" in errors["bans[0].valid_untill"]["message"]
    assert "'radius_m'" in errors["bans[0].radius_meters"]["message"]
    assert errors["bans[0].radius_meters"]["line"] == 2
    assert not Decision.objects.filter(reference=rows[0]["reference"]).exists()


def test_a_worker_dying_mid_file_loses_no_committed_chunk_and_the_job_resumes_after_it(db, settings):
    settings.IMPORT_CHUNK_ROWS = 10
    batch = create_job(io.BytesIO((HEADER + csv_rows(35)).encode()), filename="lang.csv")

    with pytest.raises(WorkerDied):
        run_job(batch.pk, progress=die_after_two_chunks)
    batch.refresh_from_db()
    assert (batch.status, batch.last_line, batch.rows_total) == (ImportStatus.RUNNING, 21, 20)
    assert Decision.objects.count() == 17  # 20 decisions, 3 rejected (radius)
    assert run_job(batch.pk) is None  # the claim is fresh: another worker may still be running it

    ImportBatch.objects.filter(pk=batch.pk).update(progress_at=timezone.now() - timedelta(hours=1))
    done = run_job(batch.pk)
    assert done.status == ImportStatus.DONE
    assert (done.rows_total, done.rows_created, done.rows_rejected) == (35, 30, 5)
    assert Decision.objects.count() == 30 and Person.objects.count() == 30
    assert sorted(done.rejected_rows.values_list("line", flat=True)) == [5, 12, 19, 26, 33]
    assert not done.upload  # the file is deleted once the job has finished


def test_bulk_created_decisions_keep_history_letters_and_identity_rules(db):
    batch = import_file((SEEDS / "om_decisions.json").read_bytes(), filename="om.json")
    ban = Ban.objects.in_force().filter(kind="contact").first()
    entry = HistoryEntry.objects.get(model="registry.ban", object_id=ban.pk)
    assert entry.action == "created" and entry.reason.startswith("import om.json line ")
    assert entry.snapshot["protected_persons"] == sorted(ban.protected_persons.values_list("pk", flat=True))
    assert VictimNotice.objects.filter(ban=ban).count() == ban.protected_persons.count() > 0
    assert batch.rows_created == 4


def test_csv_rows_of_one_decision_apart_are_refused_as_a_repeat(db):
    text = HEADER + csv_rows(1) + csv_rows(1, start=1) + csv_rows(1)
    batch = import_file(text.encode(), filename="uiteen.csv")
    assert (batch.rows_created, batch.rows_rejected) == (2, 1)
    assert batch.rejected_rows.get().errors[0] | {"message": ""} == {
        "line": 4, "field": "reference", "code": "duplicate_reference", "message": ""
    }  # fmt: skip


def test_api_refuses_a_misspelt_csv_column_at_once_with_line_1_and_the_meant_name(client_for):
    text = HEADER.replace("radius_m", "radius_meters") + csv_rows(2)
    response = client_for("alice").generic("POST", "/api/v1/imports", text.encode(), content_type="text/csv")
    assert response.status_code == 400
    assert response.json()["line"] == 1 and "radius_meters (bedoelt u radius_m?)" in response.json()["file"][0]
    assert ImportBatch.objects.get(pk=response.json()["id"]).status == ImportStatus.FAILED


def test_api_refuses_an_empty_file(client_for):
    response = client_for("alice").generic("POST", "/api/v1/imports", b"", content_type="text/csv")
    assert response.status_code == 400 and response.json()["code"] == "empty"


@pytest.mark.parametrize(("user", "expected"), [(None, 401), ("bob", 403), ("erin", 403)])
def test_api_upload_needs_a_registrar(client_for, user, expected):
    response = client_for(user).generic("POST", "/api/v1/imports", HEADER.encode(), content_type="text/csv")
    assert response.status_code == expected


@pytest.mark.parametrize(("user", "expected"), [(None, 401), ("bob", 403), ("carol", 403), ("erin", 200)])
def test_api_job_is_read_by_registrars_and_supervisors(client_for, user, expected):
    batch = import_file(b"[]", filename="leeg.json")
    assert client_for(user).get(f"/api/v1/imports/{batch.pk}").status_code == expected


def test_pages_refuse_other_roles_and_anonymous(client, users):
    batch = import_file(b"[]", filename="leeg.json")
    url = f"/registratie/import/{batch.pk}/voortgang"
    assert client.get(url).status_code == 302
    client.force_login(users["bob"])
    assert client.get("/registratie/import/").status_code == 403
    client.force_login(users["erin"])
    assert client.get(url).json()["status"] == "done"
    assert client.post("/registratie/import/", {}).status_code == 403  # a supervisor reads, never uploads


def test_page_upload_creates_a_job_and_redirects_to_it(client, users, eager_celery, django_capture_on_commit_callbacks):
    client.force_login(users["alice"])
    with open(SEEDS / "malformed_example.csv", "rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post("/registratie/import/", {"file": handle})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/registratie/import/{batch.pk}/"
    page = client.get(response["Location"])
    assert b'data-line="4"' in page.content
    batch.refresh_from_db()
    assert (batch.status, batch.rows_created, batch.rows_rejected) == (ImportStatus.DONE, 2, 1)


def test_a_repeat_in_a_later_chunk_and_after_a_resume_names_the_first_line(db, settings):
    settings.IMPORT_CHUNK_ROWS = 10
    text = HEADER + csv_rows(25, bad_at=99) + csv_rows(1, start=2, bad_at=99)  # line 27 repeats line 4
    batch = create_job(io.BytesIO(text.encode()), filename="herhaald.csv")

    with pytest.raises(WorkerDied):
        run_job(batch.pk, progress=die_after_two_chunks)
    ImportBatch.objects.filter(pk=batch.pk).update(progress_at=timezone.now() - timedelta(hours=1))
    done = run_job(batch.pk)  # a fresh worker: what it knows of lines 2-21 it reads again from the file
    assert (done.rows_created, done.rows_rejected) == (25, 1)
    error = done.rejected_rows.get().errors[0]
    assert (error["line"], error["code"]) == (27, "duplicate_reference") and "regel 4 " in error["message"]
