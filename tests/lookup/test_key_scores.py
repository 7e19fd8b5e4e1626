"""The surname keys of a lookup are scored from the vocabulary's word matches exactly as one by one."""

import random

import numpy as np

from registry.lookup.key_table import KeyTable
from registry.lookup.query import parse_name
from registry.lookup.search import _alias_name, _key_scores, _Reading, _Readings, _surname_score, rank_row
from registry.lookup.similarity import word_similarity
from registry.lookup.vocabulary import WordIndex
from tests.lookup.test_near_words import mistype

SYLLABLES = ["jan", "sen", "de", "vries", "berg", "man", "hui", "zen", "bak", "ker", "ij", "el", "am", "rani", "kha"]


def made_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))


def made_vocabulary(rng: random.Random) -> tuple[WordIndex, list[str]]:
    """Return words on record and surname keys of one to three made-up words."""
    words = WordIndex()
    keys = set()
    for _ in range(1500):
        key = " ".join(made_word(rng) for _ in range(rng.choice([1, 1, 2, 2, 3])))
        keys.add(key)
        # A few keys hold words the vocabulary has not seen (registered a moment ago in another process).
        if rng.random() < 0.95:
            for word in key.split():
                words.add(word)
    return words, sorted(keys)


def typed_forms(key: str, rng: random.Random) -> set[str]:
    """Return ways an officer might type a surname: mistyped words, glued, one word, words swapped."""
    typed_words = [mistype(w, rng) if rng.random() < 0.6 else w for w in key.split()]
    return {" ".join(typed_words), "".join(typed_words), typed_words[0], " ".join(typed_words[::-1])}


def test_each_key_scores_as_surname_score_gives_it():
    """The key table scores every key at once, and a reading answers each key, as _surname_score one by one."""
    rng = random.Random(8)
    words, keys = made_vocabulary(rng)
    table = KeyTable(capacity=16)  # grown many times over while the keys are added
    for key in keys:
        if words.words.issuperset(key.split()):
            table.add(key)
    rows = np.arange(len(table.keys))
    places = {key: place for place, key in enumerate(table.keys)}
    compared = matched = 0
    for key in rng.sample(keys, 60) + ["jansen"]:
        for typed in typed_forms(key, rng) | {key}:
            reading = _Reading(typed, words, places)
            scores = table.surname_scores(rows, typed, reading.similar)
            reading.know(scores)
            by_key = dict(zip(table.keys, scores.score.tolist(), strict=True))
            for other in keys:
                expected = _surname_score(other, typed)
                if other in by_key:
                    assert by_key[other] == (0 if expected is None else expected[0]), (typed, other)
                # The table's keys answered from its scores, with the reason too; the others worked out.
                assert reading.match(other) == expected, (typed, other)
                compared += 1
                matched += expected is not None
    assert len(table.keys) < len(keys) and compared > 200_000 and matched > 500


def test_a_lookups_key_scores_are_the_best_reading_of_each_key_less_its_penalty():
    """Keys in the table and keys not in it yet give what scoring each key by each reading gives."""
    rng = random.Random(9)
    words, keys = made_vocabulary(rng)
    table = KeyTable()
    for key in keys:
        if words.words.issuperset(key.split()) and rng.random() < 0.9:
            table.add(key)
    given = ["piet", "anna", "mo"]
    checked = 0
    for key in rng.sample(keys, 40):
        for typed in typed_forms(key, rng):
            query = parse_name(f"{rng.choice(given)} {typed}")
            readings = _Readings(query, words, table, WordIndex())
            expected = {}
            for hypothesis in query.hypotheses:
                for other in keys:
                    found = _surname_score(other, hypothesis.surname)
                    if found is not None:
                        score = found[0] - hypothesis.penalty
                        expected[other] = max(expected.get(other, score), score)
            assert _key_scores(query, dict.fromkeys(keys, 0), readings) == expected, typed
            checked += len(expected)
    assert checked > 1000


def test_a_glued_key_is_left_out_only_where_word_similarity_finds_nothing():
    rng = random.Random(6)
    pool = sorted({made_word(rng) for _ in range(600)})
    table = KeyTable()
    for word in pool:
        table.add(word)
    rows = np.arange(len(table.keys))
    for typed in [mistype(w, rng) for w in pool[:300]] + pool[:100]:
        candidates = table.glued_candidates(rows, typed)
        for word, candidate in zip(table.glued, candidates.tolist(), strict=True):
            if not candidate:
                assert word_similarity(typed, word) is None, (typed, word)


def made_lookup_vocabulary(rng: random.Random, given: list[str]) -> tuple[WordIndex, list[str], KeyTable, WordIndex]:
    """Return surname words and keys on record, their key table, and the given names on record but "pjet"."""
    words, keys = made_vocabulary(rng)
    table = KeyTable()
    for key in keys:
        if words.words.issuperset(key.split()):
            table.add(key)
    given_words = WordIndex()
    for word in {w for names in given for w in names.split()} - {"pjet"}:
        given_words.add(word)  # "pjet" is on record only since a moment ago, in another process
    return words, keys, table, given_words


def test_a_candidate_ranks_the_same_with_the_lookups_remembered_readings_as_from_scratch():
    """rank_row with the lookup's readings (surnames learned, given names looked up) as working each out anew."""
    rng = random.Random(10)
    given = ["piet", "anna", "mo", "pieter jan", "annemarie", "mohamed ali", "pjet", "ana", "mohammed"]
    words, keys, table, given_words = made_lookup_vocabulary(rng, given)
    persons = [
        (pid, f"{rng.choice(given)} {key}", key, None) for pid, key in enumerate(rng.choices(keys, k=400), start=1)
    ]
    aliases = {pid: [(f"{rng.choice(given)} van {made_word(rng)}", "alias")] for pid in range(1, 401, 3)}
    ranked = 0
    for key in rng.sample(keys, 30):
        for typed in typed_forms(key, rng):
            query = parse_name(f"{rng.choice(given)} {typed}")
            readings = _Readings(query, words, table, given_words)
            # The lookup's keys first (some of the candidates'), then the rest as _ranked learns them.
            _key_scores(query, dict.fromkeys(rng.sample(keys, len(keys) // 2), 0), readings)
            alias_names = [_alias_name(alias_key)[0] for found in aliases.values() for alias_key, _ in found]
            readings.learn([row[2] for row in persons] + alias_names)
            for row in persons:
                found = aliases.get(row[0], ())
                remembered = rank_row(row, found, query, None, readings)
                assert remembered == rank_row(row, found, query, None), (typed, row)
                ranked += remembered is not None
    assert ranked > 500
