"""Score hundreds of candidate persons against a typed name at once: search.rank_row's score, as arrays.

A name-only lookup of a common surname ranks 500-900 candidates, and rank_row
worked each out in Python: per row and reading, its given names against the
typed ones. Here the candidates' given names become a matrix of word ids, each
typed given name one vector of similarities over those words, and every
reading's score one column: a few numpy operations for all rows. The reasons
of a score are only read for the persons shown, so rank_row works them out
then (search._Explained). The rule is rank_row's and _given_score's; tests
compare the two row by row.
"""

import numpy as np

from .similarity import EXACT, ONE_TYPO, SAME_SKELETON, SAME_SOUND, SOUND_AND_TYPO, TWO_TYPOS, word_similarity

# Points for a typed given name by how well it matches one on record; any other match (none) costs.
GIVEN_POINTS = {EXACT: 30, SAME_SOUND: 27, ONE_TYPO: 20, SAME_SKELETON: 18, SOUND_AND_TYPO: 14, TWO_TYPOS: 12}
UNMATCHED_GIVEN_POINTS = -10
# The first given name typed is the person's first given name.
SAME_FIRST_GIVEN_POINTS = 5
# No typed given name matches any of the person's.
GIVEN_DIFFERS_POINTS = -25
# The typed initials are (or are not) those of the person's first given names.
INITIALS_POINTS = 15
# Below any score: this reading does not match the row's surname.
NO_MATCH = -(10**6)

_POINTS = np.full(EXACT + 1, UNMATCHED_GIVEN_POINTS, dtype=np.int32)
for _similarity, _points in GIVEN_POINTS.items():
    _POINTS[_similarity] = _points


def row_scores(given_names: list[str], surname_scores: np.ndarray, readings) -> np.ndarray:
    """Return each row's best score over the readings, NO_MATCH where no reading matches its surname.

    `given_names`: per row, the given names on record as one string ("piet jan").
    `surname_scores`: rows x readings, the reading's surname score less its penalty, NO_MATCH where
    it does not match. `readings` (search._Readings) give the typed given names and initials.
    """
    words, ids = _word_ids(given_names)
    total = np.full(len(given_names), NO_MATCH, dtype=np.int64)
    if not len(given_names):
        return total
    similarities: dict[str, np.ndarray] = {}
    initials = _initials_held(ids, words, "".join(readings.initials)) if readings.initials else None
    for column, hypothesis in enumerate(readings.hypotheses):
        surname = surname_scores[:, column]
        if not (surname > NO_MATCH).any():
            continue
        given = np.zeros(len(given_names), dtype=np.int64)
        if hypothesis.given:
            any_match = np.zeros(len(given_names), dtype=bool)
            for typed in hypothesis.given:
                if typed not in similarities:
                    similarities[typed] = _similarities(typed, words, readings)
                best = similarities[typed][ids].max(axis=1)
                given += _POINTS[best]
                any_match |= best > 0
            first = words.get(hypothesis.given[0], -1)
            given += SAME_FIRST_GIVEN_POINTS * (ids[:, 0] == first)
            given = np.where(any_match, given, GIVEN_DIFFERS_POINTS)
        if initials is not None:
            given += np.where(initials, INITIALS_POINTS, -INITIALS_POINTS)
        total = np.maximum(total, np.where(surname > NO_MATCH, surname + given, NO_MATCH))
    return total


def _word_ids(given_names: list[str]) -> tuple[dict[str, int], np.ndarray]:
    """Return the distinct given names (word -> id, from 0) and rows x words of ids, padded with len(words)."""
    words: dict[str, int] = {}
    rows = [[words.setdefault(word, len(words)) for word in names.split()] for names in given_names]
    width = max(map(len, rows), default=0) or 1
    ids = np.full((len(rows), width), len(words), dtype=np.intp)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
    return words, ids


def _similarities(typed: str, words: dict[str, int], readings) -> np.ndarray:
    """Return word_similarity(typed, word) per word id, 0 for no match and for the padding."""
    found = np.zeros(len(words) + 1, dtype=np.intp)
    like = readings.given_like_of(typed)
    on_record = readings.given_words.words
    for word, i in words.items():
        if word in like:
            found[i] = like[word]
        elif word not in on_record:
            # Saved a moment ago in another process: not in the vocabulary's answer yet.
            found[i] = word_similarity(typed, word) or 0
    return found


def _initials_held(ids: np.ndarray, words: dict[str, int], initials: str) -> np.ndarray:
    """Return per row whether the first letters of its given names start with the typed initials."""
    if len(initials) > ids.shape[1]:
        return np.zeros(len(ids), dtype=bool)
    first_letters = np.array([ord(word[0]) for word in words] + [-1], dtype=np.int64)
    held = np.ones(len(ids), dtype=bool)
    for position, letter in enumerate(initials):
        held &= first_letters[ids[:, position]] == ord(letter)
    return held
