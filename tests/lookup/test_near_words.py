"""The letter-count filter before the typo distance leaves the answer exactly as a search of every word."""

import random
import string

import pytest
from rapidfuzz.distance import OSA

from registry.lookup.near_words import NearWords, letter_counts


def brute_force(words: list[str], typed: str, edits: int) -> set[str]:
    return {word for word in words if OSA.distance(typed, word) <= edits}


def mistype(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word) + 1)
    roll = rng.random()
    if roll < 0.25 and i < len(word):
        return word[:i] + word[i + 1 :]
    if roll < 0.5 and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if roll < 0.75 and i < len(word):
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]
    return word[:i] + rng.choice(string.ascii_lowercase + "-'") + word[i:]


@pytest.fixture(scope="module")
def words() -> list[str]:
    rng = random.Random(5)
    made = {"".join(rng.choice("aeiouybdghjklmnrstvwz") for _ in range(rng.randint(2, 12))) for _ in range(4000)}
    return sorted(made | {"jansen", "janssen", "jansens", "de-vries", "o'neill", "a"})


@pytest.mark.parametrize("edits", [0, 1, 2])
def test_the_answer_equals_a_search_of_every_word(words, edits):
    index = NearWords(words)
    rng = random.Random(edits)
    for word in rng.sample(words, 300):
        typed = mistype(mistype(word, rng), rng) if edits == 2 else mistype(word, rng)
        assert set(index.within(typed, edits)) == brute_force(words, typed, edits), typed


def test_words_added_after_a_search_are_found(words):
    later = {"jansen", *words[::2]}
    index = NearWords(w for w in words if w not in later)
    assert "jansen" not in index.within("jansne", 1)
    for word in sorted(later):
        index.add(word)
    assert set(index.within("jansne", 1)) == brute_force(words, "jansne", 1) >= {"jansen"}


def test_an_edit_changes_the_letter_counts_by_at_most_two():
    rng = random.Random(9)
    for _ in range(2000):
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 12)))
        typed = mistype(word, rng)
        difference = abs(letter_counts([word])[0].astype(int) - letter_counts([typed])[0]).sum()
        assert difference <= 2 * OSA.distance(word, typed)


def test_empty_and_odd_words():
    index = NearWords(["", "a", "é", "x-y"])
    assert set(index.within("", 1)) == {"", "a", "é"}
    assert set(index.within("xy", 1)) == {"x-y"}
