"""The import never merges different people: identifiers are never overwritten by a name and birth-date match."""

import copy
import json
from pathlib import Path

from registry.importer import import_file
from registry.models import Ban, Decision, Person

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "decisions"


def lookalike_rows(numbers: list[str | None], bsns: list[str | None] | None = None) -> list[dict]:
    """Return decisions for people with one name and date of birth, each with its own identifiers."""
    template = json.loads((SEEDS / "om_decisions.json").read_bytes())[0]
    rows = []
    for i, number in enumerate(numbers):
        row = copy.deepcopy(template)
        row["reference"] = f"16/955{i:03d}-26"
        row["person"].pop("strafrechtketennummer", None)
        if number:
            row["person"]["strafrechtketennummer"] = number
        if bsns and bsns[i]:
            row["person"]["bsn"] = bsns[i]
        rows.append(row)
    return rows


def run(rows: list[dict], name: str = "lookalikes.json"):
    return import_file(json.dumps(rows, indent=1).encode(), filename=name)


def test_three_lookalikes_with_different_numbers_never_become_one_person_with_three_bans(db):
    batch = run(lookalike_rows(["SKN-L-1", "SKN-L-2", "SKN-L-3"]))
    assert (batch.rows_created, batch.rows_rejected) == (1, 2)
    person = Person.objects.get()
    assert person.strafrechtketennummer == "SKN-L-1"
    assert Decision.objects.filter(person=person).count() == 1
    assert Ban.objects.filter(person=person).count() == len(lookalike_rows(["x"])[0]["bans"])


def test_conflict_is_rejected_with_its_line_and_both_numbers(db):
    batch = run(lookalike_rows(["SKN-L-1", "SKN-L-2"]))
    rejected = batch.rejected_rows.get()
    (error,) = rejected.errors
    assert error["code"] == "person_identifier_conflict"
    assert error["field"] == "person.strafrechtketennummer"
    assert "SKN-L-2" in error["message"] and "SKN-L-1" in error["message"]
    assert rejected.line > 1 and error["line"] == rejected.line


def test_the_found_persons_number_is_never_overwritten(db):
    run(lookalike_rows(["SKN-L-1"]), "first.json")
    later = lookalike_rows([None, "SKN-L-9"])[1:]
    run(later, "second.json")
    assert list(Person.objects.values_list("strafrechtketennummer", flat=True)) == ["SKN-L-1"]


def test_a_conflicting_bsn_is_rejected_even_when_the_number_matches(db):
    run(lookalike_rows(["SKN-L-1"], ["111222333"]), "first.json")
    batch = run(lookalike_rows([None, "SKN-L-1"], [None, "999888777"])[1:], "second.json")
    assert batch.rows_rejected == 1
    assert batch.rejected_rows.get().errors[0]["field"] == "person.bsn"
    assert Person.objects.get().bsn == "111222333"


def test_a_row_without_identifiers_still_matches_by_name_and_birth_date(db):
    run(lookalike_rows(["SKN-L-1"]), "first.json")
    batch = run(lookalike_rows([None, None])[1:], "second.json")
    assert (batch.rows_created, batch.rows_rejected) == (1, 0)
    assert Person.objects.count() == 1
    assert Decision.objects.count() == 2


def test_a_row_with_a_known_number_matches_its_person_whatever_the_name(db):
    run(lookalike_rows(["SKN-L-1"]), "first.json")
    renamed = lookalike_rows([None, "SKN-L-1"])[1:]
    renamed[0]["person"]["surname"] = "Fictief-Anders"
    batch = run(renamed, "second.json")
    assert batch.rows_rejected == 0
    assert Person.objects.get().surname == "Fictief-Anders"
