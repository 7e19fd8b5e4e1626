"""Decision import: idempotent by (authority, reference), bad rows reported by line and kept."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from registry.importer import ImportFileRejected, import_file
from registry.models import Ban, BanKind, BanStatus, Decision, HistoryEntry, LegalBasis, Person, ProtectedPerson

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "decisions"


def seed(name: str) -> bytes:
    return (SEEDS / name).read_bytes()


def counts() -> dict[str, int]:
    models = (Person, ProtectedPerson, Decision, Ban, HistoryEntry)
    return {m.__name__: m.objects.count() for m in models}


def summary(batch) -> tuple[int, int, int, int]:
    return batch.rows_created, batch.rows_updated, batch.rows_unchanged, batch.rows_rejected


def test_seed_files_cover_every_legal_basis_and_ban_kind(db):
    import_file(seed("om_decisions.json"), filename="om_decisions.json")
    import_file(seed("cjib_decisions.csv"), filename="cjib_decisions.csv")
    assert set(Decision.objects.values_list("legal_basis", flat=True)) == set(LegalBasis.values)
    assert set(Ban.objects.values_list("kind", flat=True)) == set(BanKind.values)


@pytest.mark.parametrize("name", ["om_decisions.json", "cjib_decisions.csv"])
def test_importing_a_seed_file_twice_changes_nothing(db, name):
    first = import_file(seed(name), filename=name)
    assert summary(first) == (4, 0, 0, 0)
    before = counts()
    second = import_file(seed(name), filename=name)
    assert summary(second) == (0, 0, 4, 0)
    assert counts() == before


def test_malformed_row_is_reported_by_line_and_the_rest_imports(db):
    batch = import_file(seed("malformed_example.csv"), filename="malformed_example.csv")
    assert summary(batch) == (2, 0, 0, 1)
    (rejected,) = batch.rejected_rows.all()
    assert rejected.line == 4
    assert rejected.errors[0]["field"] == "bans[0].radius_m"
    assert rejected.errors[0]["code"] == "radius_out_of_range"
    assert "75000" in rejected.raw
    assert not Decision.objects.filter(reference="07/900006-26").exists()


def test_changed_decision_updates_ban_with_history_reason(db):
    rows = json.loads(seed("om_decisions.json"))
    import_file(json.dumps(rows).encode(), filename="a.json")
    rows[0]["bans"][0]["radius_m"] = 4000
    batch = import_file(json.dumps(rows, indent=1).encode(), filename="b.json")
    assert summary(batch) == (0, 1, 3, 0)
    ban = Ban.objects.get(decision__reference=rows[0]["reference"], kind=BanKind.AREA)
    assert ban.radius_m == 4000 and ban.version == 2
    first, second = HistoryEntry.objects.filter(model="registry.ban", object_id=ban.pk).order_by("version")
    assert first.snapshot["radius_m"] == 5000
    assert second.reason == "import b.json line 2"


def test_ban_dropped_from_decision_is_revoked_not_deleted(db):
    rows = json.loads(seed("om_decisions.json"))
    import_file(json.dumps(rows).encode(), filename="a.json")
    rows[0]["bans"] = rows[0]["bans"][:1]
    import_file(json.dumps(rows).encode(), filename="b.json")
    contact = Ban.objects.get(decision__reference=rows[0]["reference"], kind=BanKind.CONTACT)
    assert contact.status == BanStatus.REVOKED


def test_status_in_file_applies_lifecycle_action(db):
    rows = json.loads(seed("om_decisions.json"))
    import_file(json.dumps(rows).encode(), filename="a.json")
    rows[3]["bans"][0]["status"] = "active"
    batch = import_file(json.dumps(rows).encode(), filename="b.json")
    assert summary(batch) == (0, 1, 3, 0)
    assert Ban.objects.get(decision__reference=rows[3]["reference"], kind=BanKind.AREA).status == BanStatus.ACTIVE


def test_person_is_matched_by_strafrechtketennummer_then_bsn_then_name_and_birth_date(db):
    rows = json.loads(seed("om_decisions.json"))
    import_file(json.dumps(rows).encode(), filename="a.json")
    rows[0]["person"]["surname"] = "Fictief-Anders"  # same strafrechtketennummer: same person, renamed
    rows[1]["person"]["given_names"] = "Abraham"  # same BSN
    rows[2]["person"].pop("strafrechtketennummer")  # name and date of birth only
    for i, row in enumerate(rows[:3]):
        row["reference"] += f"-b{i}"
    batch = import_file(json.dumps(rows[:3]).encode(), filename="b.json")
    assert batch.rows_created == 3
    assert Person.objects.count() == 4
    assert Person.objects.filter(surname="Fictief-Anders").count() == 1


def test_bad_json_array_is_refused_as_a_file_with_line_number(db):
    text = b'[\n  {"authority": "om"},\n  {"authority": \n'
    with pytest.raises(ImportFileRejected) as info:
        import_file(text, filename="kapot.json")
    assert info.value.error.line >= 3
    refused = info.value.batch.rejected_rows.get(errors__0__field="file")
    assert refused.errors[0]["code"] == "invalid_json" and refused.line == info.value.error.line


def test_json_lines_bad_line_is_rejected_and_others_import(db):
    rows = json.loads(seed("om_decisions.json"))
    lines = [json.dumps(rows[0]), "{niet goed", json.dumps(rows[1])]
    batch = import_file("\n".join(lines).encode(), filename="regels.json")
    assert summary(batch) == (2, 0, 0, 1)
    assert batch.rejected_rows.get().line == 2


def test_json_array_reports_each_decision_by_its_starting_line(db):
    rows = json.loads(seed("om_decisions.json"))
    rows[2]["legal_basis"] = "onbekend"
    text = json.dumps(rows, indent=2)
    expected_line = text[: text.index('"08/900003-26"')].count("\n") - 2  # the object's "{" is three lines up
    batch = import_file(text.encode(), filename="x.json")
    rejected = batch.rejected_rows.get()
    assert rejected.line == expected_line
    assert rejected.errors[0]["field"] == "legal_basis"


def test_duplicate_reference_in_one_file_is_rejected(db):
    rows = json.loads(seed("om_decisions.json"))
    batch = import_file(json.dumps([rows[0], rows[0]], indent=0).encode(), filename="dubbel.json")
    assert summary(batch) == (1, 0, 0, 1)
    assert batch.rejected_rows.get().errors[0]["code"] == "duplicate_reference"


def test_csv_with_unknown_column_is_refused(db):
    with pytest.raises(ImportFileRejected) as info:
        import_file(b"authority,legal_basis,reference,ban_kind,straal\n", filename="x.csv")
    assert "straal" in info.value.error.message


def test_dates_in_files_are_amsterdam_local_across_dst(db):
    import_file(seed("om_decisions.json"), filename="om_decisions.json")
    presence = Ban.objects.get(kind=BanKind.PRESENCE, decision__reference="08/900003-26")
    # "2026-03-29" starts at local midnight, still winter time (CET, UTC+1) ...
    assert presence.valid_from == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    # ... and valid_until "2026-10-24" runs through that day: midnight CEST (UTC+2) before clocks go back.
    assert presence.valid_until == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    gouda = Ban.objects.get(decision__reference="05/900002-26")
    assert gouda.valid_from == datetime(2026, 5, 21, 10, 0, tzinfo=UTC)  # 12:00 summer time


def test_command_imports_and_reports_rejected_lines(db, capsys):
    call_command("import_decisions", str(SEEDS / "malformed_example.csv"))
    out = capsys.readouterr().out
    assert "2 created" in out and "1 rejected" in out
    assert "line 4" in out


def test_command_records_the_user(users):
    call_command("import_decisions", str(SEEDS / "om_decisions.json"), "--user", "alice")
    assert HistoryEntry.objects.filter(changed_by=users["alice"]).count() == HistoryEntry.objects.count()


def test_command_refuses_unknown_user_and_missing_file(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("import_decisions", str(SEEDS / "om_decisions.json"), "--user", "niemand")
    with pytest.raises(CommandError):
        call_command("import_decisions", str(tmp_path / "weg.json"))


def post_and_run(client, capture, *args, **kwargs):
    """POST an import and run its job as the worker would; return the POST answer and the finished job."""
    with capture(execute=True):
        response = client.generic("POST", *args, **kwargs) if "content_type" in kwargs else client.post(*args, **kwargs)
    job = client.get(response["Location"]).json() if response.status_code == 202 else None
    return response, job


@pytest.fixture
def run_jobs(eager_celery, django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_api_multipart_import_answers_202_and_the_job_reports_lines(client_for, run_jobs):
    with open(SEEDS / "malformed_example.csv", "rb") as handle:
        response, job = post_and_run(
            client_for("alice"), run_jobs, "/api/v1/imports", {"file": handle}, format="multipart"
        )
    assert response.status_code == 202
    assert response.json()["url"].endswith(f"/api/v1/imports/{response.json()['id']}")
    assert job["status"] == "done" and job["percent"] == 100
    assert (job["rows_created"], job["rows_rejected"]) == (2, 1)
    assert job["rejected"][0]["line"] == 4
    rejected = client_for("erin").get(f"/api/v1/imports/{job['id']}/rejected").json()["results"]
    assert rejected[0]["line"] == 4 and "75000" in rejected[0]["raw"]


def test_api_raw_json_body_import_twice_is_unchanged(client_for, run_jobs):
    client = client_for("alice")
    body = seed("om_decisions.json")
    url = "/api/v1/imports?filename=om.json"
    _first, first = post_and_run(client, run_jobs, url, body, content_type="application/json")
    _second, second = post_and_run(client, run_jobs, url, body, content_type="application/json")
    assert (first["rows_created"], second["rows_unchanged"]) == (4, 4)


def test_api_raw_csv_body_import(client_for, run_jobs):
    response, job = post_and_run(
        client_for("alice"), run_jobs, "/api/v1/imports/", seed("cjib_decisions.csv"), content_type="text/csv"
    )
    assert response.status_code == 202
    assert job["rows_created"] == 4


def test_api_unreadable_json_fails_the_job_with_its_line(client_for, run_jobs):
    _response, job = post_and_run(
        client_for("alice"), run_jobs, "/api/v1/imports", b"[{,]", content_type="application/json"
    )
    assert job["status"] == "failed"
    assert job["rejected"][-1]["errors"][0]["line"] == 1
    assert job["rejected"][-1]["errors"][0]["code"] == "invalid_json"


def test_api_import_refuses_other_content_types(client_for):
    response = client_for("alice").generic("POST", "/api/v1/imports", b"<xml/>", content_type="application/xml")
    assert response.status_code == 400
