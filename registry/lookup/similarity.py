"""How well a word on record matches a typed word: exact, same Dutch sound, same skeleton, one or two typos.

Pure functions of the two words, remembered per process: the vocabulary uses them to find the words
on record like a typed one, the key table and the ranking to score surnames and given names.
"""

from functools import lru_cache

from rapidfuzz.distance import OSA

from registry.names import skeleton_key, sound_key

from .query import MIN_FUZZY_LENGTH

# Word similarity, best first: the ranking in search.py builds on these.
EXACT, SAME_SOUND, ONE_TYPO, SAME_SKELETON, SOUND_AND_TYPO, TWO_TYPOS = 100, 90, 75, 65, 62, 60
MIN_TWO_TYPO_LENGTH = 6
MIN_SKELETON_LENGTH = 3


def max_typos(word: str) -> int:
    """Return the edits a typed word of this length may carry and still match."""
    if len(word) >= MIN_TWO_TYPO_LENGTH:
        return 2
    return 1 if len(word) >= MIN_FUZZY_LENGTH else 0


@lru_cache(maxsize=200_000)
def sound_of(word: str) -> str:
    return sound_key(word)


@lru_cache(maxsize=200_000)
def skeleton_of(word: str) -> str:
    return skeleton_key(word)


@lru_cache(maxsize=100_000)
def word_similarity(typed: str, word: str, typos: int | None = None) -> int | None:
    """Return how well a word on record matches a typed word (EXACT ... TWO_TYPOS), or None.

    `typos` widens what counts (2 when the date of birth already matched); by default it follows the length.
    """
    if typed == word:
        return EXACT
    if sound_of(typed) == sound_of(word):
        return SAME_SOUND
    allowed = max_typos(typed) if typos is None else typos
    # Past the cutoff rapidfuzz answers cutoff + 1, so compare with what is allowed.
    distance = OSA.distance(typed, word, score_cutoff=allowed) if allowed else None
    if distance == 1:
        return ONE_TYPO
    if len(typed) >= MIN_SKELETON_LENGTH and skeleton_of(typed) == skeleton_of(word):
        return SAME_SKELETON
    sound_allowed = min(allowed, 1 if typos is None else typos)
    if sound_allowed and OSA.distance(sound_of(typed), sound_of(word), score_cutoff=sound_allowed) <= sound_allowed:
        return SOUND_AND_TYPO
    return TWO_TYPOS if distance == 2 and allowed == 2 else None
