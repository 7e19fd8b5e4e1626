"""Generate, download and mark sent through the API; every step audited."""

from datetime import datetime

import pytest
import time_machine
from letters_support import AMS, pdf_text

from registry.letters.models import NoticeStatus, VictimNotice
from registry.models import AuditEntry


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 3, 4, 10, 0, tzinfo=AMS), tick=False):
        yield


def generate(client, **body):
    return client.post("/api/v1/letters/generate", body, format="json")


def test_generate_for_a_ban_renders_one_letter_per_protected_person(make_ban, victim, second_victim, client_for):
    ban = make_ban(victims=[victim, second_victim])

    response = generate(client_for("alice"), ban=ban.pk)

    assert response.status_code == 200, response.content
    rows = response.json()["generated"]
    assert sorted(r["protected_person"] for r in rows) == sorted([victim.pk, second_victim.pk])
    assert {r["status"] for r in rows} == {"generated"}


def test_generate_all_due_covers_every_ban(make_ban, victim, second_victim, client_for):
    make_ban(victims=[victim])
    make_ban(victims=[second_victim])
    response = generate(client_for("carol"), all_due=True)
    assert len(response.json()["generated"]) == 2
    assert not VictimNotice.objects.filter(status=NoticeStatus.DUE).exists()


def test_generate_in_english(make_ban, victim, client_for):
    ban = make_ban(victims=[victim])
    (row,) = generate(client_for("alice"), ban=ban.pk, language="en").json()["generated"]
    pdf = client_for("alice").get(f"/api/v1/letters/{row['id']}/pdf").content
    assert row["language"] == "en"
    assert "Dear Anouk Verhoeven" in pdf_text(pdf)


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "ban"),
        ({"ban": 999999}, "ban"),
        ({"ban": 1, "all_due": True}, "ban"),
        ({"all_due": True, "language": "de"}, "language"),
    ],
)
def test_generate_rejects_bad_input_with_field_errors(make_ban, victim, client_for, body, field):
    make_ban(victims=[victim])
    response = generate(client_for("alice"), **body)
    assert response.status_code == 400
    assert field in response.json()


def test_download_returns_the_pdf_and_is_audited(make_ban, victim, client_for):
    ban = make_ban(victims=[victim])
    (row,) = generate(client_for("alice"), ban=ban.pk).json()["generated"]

    response = client_for("erin").get(f"/api/v1/letters/{row['id']}/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Anouk Verhoeven" in pdf_text(response.content)
    entry = AuditEntry.objects.get(action="letter.downloaded")
    assert (entry.actor_name, entry.target_id) == ("erin", str(row["id"]))


def test_download_before_generation_is_a_conflict(make_ban, victim, client_for):
    ban = make_ban(victims=[victim])
    notice = VictimNotice.objects.get(ban=ban)
    assert client_for("alice").get(f"/api/v1/letters/{notice.pk}/pdf").status_code == 409


def test_mark_sent_records_date_and_channel(make_ban, victim, client_for):
    ban = make_ban(victims=[victim])
    (row,) = generate(client_for("alice"), ban=ban.pk).json()["generated"]

    response = client_for("alice").post(
        f"/api/v1/letters/{row['id']}/sent", {"sent_on": "2026-03-04", "channel": "post"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["sent_on"], response.json()["channel"]) == (
        "sent",
        "2026-03-04",
        "post",
    )
    entry = AuditEntry.objects.get(action="letter.sent")
    assert entry.details == {"sent_on": "2026-03-04", "channel": "post"}


def test_mark_sent_twice_is_a_conflict(make_ban, victim, client_for):
    ban = make_ban(victims=[victim])
    (row,) = generate(client_for("alice"), ban=ban.pk).json()["generated"]
    url = f"/api/v1/letters/{row['id']}/sent"
    client_for("alice").post(url, {"channel": "email"}, format="json")
    assert client_for("alice").post(url, {"channel": "email"}, format="json").status_code == 409


@pytest.mark.parametrize(
    "body, field", [({"channel": "pigeon"}, "channel"), ({"channel": "post", "sent_on": "2026-03-05"}, "sent_on")]
)
def test_mark_sent_rejects_bad_input(make_ban, victim, client_for, body, field):
    ban = make_ban(victims=[victim])
    (row,) = generate(client_for("alice"), ban=ban.pk).json()["generated"]
    response = client_for("alice").post(f"/api/v1/letters/{row['id']}/sent", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_list_filters_by_ban(make_ban, victim, second_victim, client_for):
    ban = make_ban(victims=[victim])
    make_ban(victims=[second_victim])
    rows = client_for("erin").get("/api/v1/letters/", {"ban": ban.pk}).json()["results"]
    assert [r["protected_person"] for r in rows] == [victim.pk]
