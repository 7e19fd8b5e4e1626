"""The surname keys of a lookup are scored from the vocabulary's word matches exactly as one by one."""

import random

from registry.lookup.search import _Reading, _surname_score
from registry.lookup.vocabulary import WordIndex, may_be_similar, word_similarity
from tests.lookup.test_near_words import mistype

SYLLABLES = ["jan", "sen", "de", "vries", "berg", "man", "hui", "zen", "bak", "ker", "ij", "el", "am", "rani", "kha"]


def made_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))


def test_each_key_scores_as_surname_score_gives_it():
    rng = random.Random(4)
    words = WordIndex()
    keys = set()
    for _ in range(1500):
        key = " ".join(made_word(rng) for _ in range(rng.choice([1, 1, 2, 2, 3])))
        keys.add(key)
        # A few keys hold words the vocabulary has not seen (registered a moment ago in another process).
        if rng.random() < 0.95:
            for word in key.split():
                words.add(word)
    keys = sorted(keys)
    compared = matched = 0
    for key in rng.sample(keys, 60):
        typed_words = [mistype(w, rng) if rng.random() < 0.6 else w for w in key.split()]
        for typed in {" ".join(typed_words), "".join(typed_words), typed_words[0], " ".join(typed_words[::-1])}:
            reading = _Reading(typed, words)
            for other in keys:
                expected = _surname_score(other, typed)
                assert reading.match(other) == expected, (typed, other)
                compared += 1
                matched += expected is not None
    assert compared > 200_000 and matched > 500


def test_may_be_similar_is_false_only_where_word_similarity_finds_nothing():
    rng = random.Random(6)
    pool = [made_word(rng) for _ in range(600)]
    for typed in [mistype(w, rng) for w in pool[:300]] + pool[:100]:
        for word in pool:
            if not may_be_similar(typed, word):
                assert word_similarity(typed, word) is None, (typed, word)
