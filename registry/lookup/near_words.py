"""Words within k typos of a typed word: a letter-count filter in numpy, then rapidfuzz on the few left.

An edit (a letter inserted, dropped, replaced, or swapped with the next) changes a word's letter
counts by at most 2 in total, so a word whose counts differ from the typed word's by more than 2k
is more than k edits away and needs no distance computed. The answer is exactly rapidfuzz's over
all words; the filter only spares it most of them (tens of thousands of surname words at a million
persons, of which a few hundred pass).

The filter reads only the letters of the typed word. Each letter of a word falls in one bin, so
for a word of length L and a typed word of length l, the counts differ by
L + l - 2 * sum(min(word's count, typed count)) over the typed word's letters; the counts are kept
one row per letter, and those few rows are all a search reads (a sixth of the time of comparing
all 27 counts of every word).
"""

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

# a..z, then one bin for anything else (folded words are lower-case ASCII; hyphens or digits may remain).
_BINS = 27
# Counts are kept as bytes: a word on record holds at most 200 letters (Person.surname, given_names).
_MAX_COUNT = np.iinfo(np.uint8).max


def letter_counts(words: list[str]) -> np.ndarray:
    """Return one row of letter counts per word; the words are all of one length."""
    length = len(words[0])
    codes = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32).reshape(len(words), length)
    bins = np.minimum(codes - ord("a"), _BINS - 1)  # below "a" wraps round to a large number: "other"
    counts = np.zeros((len(words), _BINS), dtype=np.int16)
    np.add.at(counts, (np.repeat(np.arange(len(words)), length), bins.ravel()), 1)
    return counts


class NearWords:
    """Distinct words by length, with their letter counts one row per letter; words can be added one by one."""

    def __init__(self, words: Iterable[str] = ()):
        self._words: dict[int, list[str]] = defaultdict(list)
        self._counts: dict[int, np.ndarray] = {}
        self._counted: dict[int, int] = defaultdict(int)
        for word in words:
            self.add(word)

    def add(self, word: str) -> None:
        """Add a word not added before (the caller keeps words distinct); counted on the next search."""
        self._words[len(word)].append(word)

    def count_all(self) -> None:
        """Count the letters of every word not counted yet, so that no search has to (a loaded vocabulary)."""
        for length in list(self._words):
            self._counts_of(length)

    def words_held(self) -> int:
        return sum(len(words) for words in self._words.values())

    def words_counted(self) -> int:
        return sum(self._counted.values())

    def within(self, typed: str, edits: int) -> list[str]:
        """Return the words at most `edits` typos (optimal string alignment) from the typed word."""
        found: list[str] = []
        target = letter_counts([typed])[0]
        letters = np.flatnonzero(target)
        wanted = np.minimum(target[letters], _MAX_COUNT).astype(np.uint8)[:, None]
        for length in range(len(typed) - edits, len(typed) + edits + 1):
            words = self._words.get(length)
            if not words:
                continue
            shared = np.minimum(self._counts_of(length)[letters], wanted).sum(axis=0, dtype=np.int32)
            # length + len(typed) - 2 * shared <= 2 * edits, in integers:
            close = np.flatnonzero(shared >= (length + len(typed) - 2 * edits + 1) // 2)
            choices = [words[i] for i in close]
            matches = process.extract(typed, choices, scorer=OSA.distance, score_cutoff=edits, limit=None)
            found += [word for word, _distance, _index in matches]
        return found

    def _counts_of(self, length: int) -> np.ndarray:
        """Return the letter counts of the words of this length: one row per letter, one column per word."""
        words, done = self._words[length], self._counted[length]
        if done < len(words):
            new = np.minimum(letter_counts(words[done:]), _MAX_COUNT).astype(np.uint8).T
            self._counts[length] = np.ascontiguousarray(new if done == 0 else np.hstack([self._counts[length], new]))
            self._counted[length] = len(words)
        return self._counts[length]
