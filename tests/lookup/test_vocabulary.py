"""The in-memory vocabulary: words found within the typos allowed, answers remembered and renewed, loaded at start."""

from registry.lookup import vocabulary
from registry.lookup.vocabulary import EXACT, ONE_TYPO, TWO_TYPOS, WordIndex


def _index(*words: str) -> WordIndex:
    index = WordIndex()
    for word in words:
        index.add(word)
    return index


def test_words_one_and_two_letters_longer_or_shorter_are_found():
    index = _index("zwaluwstaart", "zwaluwstaark", "zwaluwstaarten", "zwaluwstrt", "zwaluwstaartjes", "zwaluw")
    found = index.similar("zwaluwstaart")
    assert found["zwaluwstaart"] == EXACT
    assert found["zwaluwstaark"] == ONE_TYPO
    assert found["zwaluwstaarten"] == TWO_TYPOS
    assert "zwaluwstrt" in found
    assert "zwaluwstaartjes" not in found
    assert "zwaluw" not in found


def test_word_added_after_an_answer_was_remembered_is_found():
    index = _index("zwanenburg")
    assert set(index.similar("zwanenbrug")) == {"zwanenburg"}
    index.add("zwanenbrugge")
    assert "zwanenbrugge" in index.similar("zwanenbrug")


def test_warm_loads_the_vocabulary_before_the_first_lookup(registry):
    registry.person("Noor", "Zwanenburg")
    vocabulary.warm()
    loaded = vocabulary.vocabulary()
    vocabulary.warm()
    assert vocabulary.vocabulary() is loaded
    assert loaded.key_counts["zwanenburg"] == 1
