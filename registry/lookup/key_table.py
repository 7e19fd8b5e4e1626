"""The surname keys on record as arrays, so that one typed surname is scored against hundreds of keys at once.

A common surname word brings a lookup 1,000 keys or more ("jansen", "jansen vries",
"de jong jansen" ...), and each reading of the typed name asks about every one of
them. Per key in Python that is most of a name-only lookup. Here each key is a
row: its word ids and word count, and of the key glued together its sound,
skeleton, and the letter counts of it and of its sound. A reading then scores
all rows with a few numpy gathers: the word comparisons come from a dense array
of the typed word's matches over the word ids, and word_similarity runs only for
the glued keys that could match (glued_candidates). The rule is
search._surname_score's; tests compare the two key by key.
"""

from typing import NamedTuple

import numpy as np

from .similarity import MIN_SKELETON_LENGTH, max_typos, skeleton_of, sound_of, word_similarity

# Keys with more words than this are scored one by one (at a million invented persons keys have at most 3).
MAX_KEY_WORDS = 6
# A typed word that is one word of a multi-word surname ("Vries" for "Jansen-de Vries") ranks below the whole.
WORD_OF_SEVERAL_PENALTY = 20
# A row's missing words point here: word id 0 matches nothing.
_NO_WORD = 0
_UNKNOWN = -1
# Letters are counted in 64 bins (code point & 63): a-z and A-Z (sound keys use both) each have their own.
_BINS = 64


def _letter_counts(word: str) -> np.ndarray:
    # Letters sharing a bin only make two words' counts look closer: the bound below stays a bound.
    codes = np.frombuffer(word.encode("utf-32-le"), dtype=np.uint32) & (_BINS - 1)
    return np.minimum(np.bincount(codes, minlength=_BINS), np.iinfo(np.uint8).max)


class Scores(NamedTuple):
    """Per row: search._surname_score's score (0 where it gives None), and whether it is one word of several."""

    score: np.ndarray
    word_of_several: np.ndarray


class KeyTable:
    """Surname keys, one row each, added one by one as the vocabulary learns them."""

    def __init__(self, capacity: int = 1024):
        self.row_of: dict[str, int] = {}
        self.keys: list[str] = []
        self.word_id: dict[str, int] = {}
        self._sound_id: dict[str, int] = {}
        self._skeleton_id: dict[str, int] = {}
        self.words = np.zeros((capacity, MAX_KEY_WORDS), dtype=np.int32)
        self.word_count = np.zeros(capacity, dtype=np.int8)
        self.sound = np.zeros(capacity, dtype=np.int32)
        self.skeleton = np.zeros(capacity, dtype=np.int32)
        self.length = np.zeros(capacity, dtype=np.int16)
        self.sound_length = np.zeros(capacity, dtype=np.int16)
        self.letters = np.zeros((capacity, _BINS), dtype=np.uint8)
        self.sound_letters = np.zeros((capacity, _BINS), dtype=np.uint8)
        self.glued: list[str] = []

    def add(self, key: str) -> None:
        """Add a surname key not added before; a key of too many words is left to the one-by-one scoring."""
        words = key.split()
        if key in self.row_of or not words or len(words) > MAX_KEY_WORDS:
            return
        row = len(self.keys)
        if row == len(self.word_count):
            self._grow()
        glued = "".join(words)
        sound = sound_of(glued)
        self.words[row, : len(words)] = [self.word_id.setdefault(w, len(self.word_id) + 1) for w in words]
        self.word_count[row] = len(words)
        self.sound[row] = self._sound_id.setdefault(sound, len(self._sound_id))
        self.skeleton[row] = self._skeleton_id.setdefault(skeleton_of(glued), len(self._skeleton_id))
        self.length[row], self.sound_length[row] = len(glued), len(sound)
        self.letters[row] = _letter_counts(glued)
        self.sound_letters[row] = _letter_counts(sound)
        self.keys.append(key)
        self.glued.append(glued)
        self.row_of[key] = row

    def _grow(self) -> None:
        for name in ("words", "word_count", "sound", "skeleton", "length", "sound_length", "letters", "sound_letters"):
            old = getattr(self, name)
            new = np.zeros((2 * len(old), *old.shape[1:]), dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    def word_scores(self, similar: dict[str, int]) -> np.ndarray:
        """Return a dense array over the word ids: each word's score in `similar`, 0 for the rest."""
        dense = np.zeros(len(self.word_id) + 1, dtype=np.int16)
        ids = [self.word_id.get(word, _NO_WORD) for word in similar]
        dense[ids] = list(similar.values())
        dense[_NO_WORD] = 0
        return dense

    def glued_candidates(self, rows: np.ndarray, glued_typed: str) -> np.ndarray:
        """Return which rows' glued key word_similarity(glued_typed, ...) may score, for all rows at once.

        Each of its rules has a necessary condition: the same sound or skeleton, or typos. Typos need lengths
        within the edits allowed, and since an edit changes the letter counts by at most 2 in all, k typos
        also need counts at most 2k apart: of the words (one or two typos) or of their sounds (one).
        """
        allowed = max_typos(glued_typed)
        sound = sound_of(glued_typed)
        same = self.sound[rows] == self._sound_id.get(sound, _UNKNOWN)
        if len(glued_typed) >= MIN_SKELETON_LENGTH:
            same |= self.skeleton[rows] == self._skeleton_id.get(skeleton_of(glued_typed), _UNKNOWN)
        if not allowed:
            return same
        lengths = np.abs(self.length[rows] - len(glued_typed)) <= allowed
        lengths |= np.abs(self.sound_length[rows] - len(sound)) <= 1
        near = np.flatnonzero(lengths & ~same)
        near_rows = rows[near]
        close = _count_distance(self.length[near_rows], self.letters, near_rows, glued_typed) <= 2 * allowed
        close |= _count_distance(self.sound_length[near_rows], self.sound_letters, near_rows, sound) <= 2
        same[near[close]] = True
        return same

    def surname_scores(self, rows: np.ndarray, typed: str, similar: dict[str, dict[str, int]]) -> Scores:
        """Return search._surname_score(key, typed) for each row.

        `similar` holds, for each typed word, the words on record it matches with their word_similarity.
        """
        typed_words = typed.split()
        n_typed = len(typed_words)
        words = self.words[rows]
        n_key = self.word_count[rows].astype(np.int16)
        dense = [self.word_scores(similar[word]) for word in typed_words]
        like_typed = np.zeros(len(dense[0]), dtype=bool)
        for scores in dense:
            like_typed |= scores > 0
        like = like_typed[words].any(axis=1)

        # The glued comparison counts only where the key or the typed surname has several words (0 elsewhere).
        glued_typed = typed.replace(" ", "")
        glued = np.zeros(len(rows), dtype=np.int16)
        several = (n_key > 1) | (n_typed > 1)
        candidates = np.flatnonzero(several & self.glued_candidates(rows, glued_typed))
        glued[candidates] = [word_similarity(glued_typed, self.glued[row]) or 0 for row in rows[candidates].tolist()]

        # Word for word, where the counts agree: the weakest pair, 0 when a pair does not match. The key
        # as typed is EXACT this way: each of its words matches itself.
        pairwise = np.zeros(len(rows), dtype=np.int16)
        same_count = n_key == n_typed
        if n_typed <= MAX_KEY_WORDS:
            pairwise = np.where(same_count, 32767, 0).astype(np.int16)
            for position, scores in enumerate(dense):
                pairwise = np.minimum(pairwise, scores[words[:, position]])
        result = np.maximum(pairwise, glued)

        word_of_several = np.zeros(len(rows), dtype=bool)
        if n_typed == 1:
            # A key of several words, one of them like the typed word: glued, or that word less a penalty.
            best_word = dense[0][words].max(axis=1)
            word_of_several = ~same_count & (glued == 0) & (best_word > 0)
            result = np.where(word_of_several, best_word - WORD_OF_SEVERAL_PENALTY, result)
        # No word like a typed one: only the glued comparison is left (and then no word of the key is like it).
        return Scores(np.where(like, result, glued), word_of_several)


def _count_distance(lengths: np.ndarray, letters: np.ndarray, rows: np.ndarray, word: str) -> np.ndarray:
    """Return, per row, the sum of its letter-count differences from the word's.

    Read through the word's own letters only: for lengths L and l the sum is L + l - 2 * the letters
    they share, and only the word's letters can be shared.
    """
    wanted = _letter_counts(word)
    bins = np.flatnonzero(wanted)
    shared = np.minimum(letters[np.ix_(rows, bins)], wanted[bins]).sum(axis=1, dtype=np.int16)
    return lengths + len(word) - 2 * shared
