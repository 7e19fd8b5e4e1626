"""The candidates of a lookup, scored all at once, rank exactly as rank_row ranks each one from scratch."""

import random
from datetime import date

from registry.lookup.key_table import KeyTable
from registry.lookup.query import parse_name
from registry.lookup.search import SearchOutcome, _ranked, _Readings, rank_row
from registry.lookup.vocabulary import WordIndex
from tests.lookup.test_key_scores import made_lookup_vocabulary, made_word, typed_forms

GIVEN = ["piet", "anna", "mo", "pieter jan", "annemarie", "mohamed ali", "pjet", "ana", "mohammed", "jan piet", ""]
BORN = [date(1990, 1, 1), date(1985, 6, 8), None]


def _candidates(rng: random.Random, keys: list[str], typed_key: str) -> tuple[dict[int, tuple], list[tuple]]:
    """Return persons ({id: _COLUMNS}), a third of the typed surname, some without given names, and alias rows."""
    persons = {}
    for pid, key in enumerate(rng.choices(keys, k=200) + [typed_key] * 100, start=1):
        given = rng.choice(GIVEN)
        persons[pid] = (pid, f"{given} {key}".strip(), key, rng.choice(BORN))
    alias_rows = []
    for pid in range(1, 301, 4):
        for _ in range(rng.randint(1, 2)):
            alias_key = f"{rng.choice(GIVEN)} van {made_word(rng)}".strip()
            alias_rows.append((*persons[pid], alias_key, alias_key.title()))
    # Alias rows of persons not among the candidates by name (found by their alias's last word only).
    for pid in range(301, 321):
        alias_key = f"{rng.choice(GIVEN)} {rng.choice(keys)}".strip()
        alias_rows.append((pid, f"x {keys[pid]}", keys[pid], None, alias_key, alias_key))
    return persons, alias_rows


def test_candidates_scored_together_rank_as_rank_row_ranks_each():
    rng = random.Random(12)
    words, keys, table, given_words = made_lookup_vocabulary(rng, GIVEN)
    compared = 0
    for key in rng.sample(keys, 25):
        for typed in typed_forms(key, rng):
            given = rng.choice(["piet", "p.", "a. m.", "mohammed ali", "pjet jan", "", "anna piet"])
            for text in (f"{given} {typed}", f"{typed}, {given}"):
                query = parse_name(text)
                if not query.hypotheses:
                    continue
                dob = rng.choice(BORN)
                persons, alias_rows = _candidates(rng, keys, key)
                readings = _Readings(query, words, table, given_words)
                outcome = _ranked(query, dob, dict(persons), alias_rows, False, readings)
                expected = _ranked_one_by_one(query, dob, persons, alias_rows)
                got = [(m.person_id, m.score, m.reasons, m.alias) for m in outcome.matches]
                assert got == expected, text
                compared += len(expected)
    assert compared > 15_000


def _ranked_one_by_one(query, dob, persons: dict, alias_rows: list[tuple]) -> list[tuple]:
    aliases: dict[int, list[tuple[str, str]]] = {}
    rows = dict(persons)
    for person_id, name_key, surname, born, alias_key, alias_name in alias_rows:
        rows.setdefault(person_id, (person_id, name_key, surname, born))
        aliases.setdefault(person_id, []).append((alias_key, alias_name))
    matches = [m for pid, row in rows.items() if (m := rank_row(row, aliases.get(pid, ()), query, dob))]
    matches.sort(key=lambda m: (-m.score, m.person_id))
    return [(m.person_id, m.score, m.reasons, m.alias) for m in matches]


def test_a_match_scored_with_the_others_reads_like_one_ranked_alone():
    """The shown matches carry rank_row's reasons and alias, worked out when the answer reads them."""
    words, given_words, table = WordIndex(), WordIndex(), KeyTable()
    for word in ("jansen", "janssen"):
        words.add(word)
        table.add(word)
    for word in ("piet", "pieter"):
        given_words.add(word)
    query = parse_name("Piet Jansen")
    rows = {1: (1, "pieter janssen", "janssen", None), 2: (2, "piet jansen", "jansen", None)}
    alias_rows = [(1, "pieter janssen", "janssen", None, "piet jansen", "Piet Jansen")]
    outcome = _ranked(query, None, rows, alias_rows, False, _Readings(query, words, table, given_words))
    assert isinstance(outcome, SearchOutcome)
    first, second = outcome.matches
    assert (first.person_id, first.reasons, first.alias) == (2, ("surname_exact", "given_name"), "")
    assert (second.person_id, second.alias) == (1, "Piet Jansen")
    assert second.reasons[0] == "alias"
    assert first.score - second.score == 10  # the same name, as an alias
