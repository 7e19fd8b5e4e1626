"""Query parsing, and the word similarity that makes retrieval and ranking agree."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.lookup.query import looks_like_identifier, parse_identifier, parse_name
from registry.lookup.similarity import word_similarity
from registry.lookup.vocabulary import WordIndex

words = st.text(alphabet="abcdeghijklmnorstuvyz", min_size=1, max_size=9)


@given(words, st.lists(words, min_size=1, max_size=30))
def test_index_finds_exactly_the_words_ranking_accepts(typed, on_record):
    # Retrieval uses the index, ranking uses word_similarity: they must agree or a typo is lost.
    index = WordIndex()
    for word in on_record:
        index.add(word)
    found = index.similar(typed)
    for word in set(on_record):
        assert (word in found) == (word_similarity(typed, word) is not None), word
        if word in found:
            assert found[word] == word_similarity(typed, word)


def test_comma_puts_the_surname_first():
    query = parse_name("Vries, de, J.")
    assert query.hypotheses[0].surname == "vries"
    assert query.initials == ("j",)


def test_initials_are_read_with_and_without_dots():
    assert parse_name("J.P. de Vries").initials == ("j", "p")
    assert parse_name("J de Vries").initials == ("j",)


def test_tussenvoegsels_never_become_surnames():
    assert "van" not in parse_name("Saskia van den Berg").surname_keys


def test_identifiers_are_told_from_names():
    assert looks_like_identifier("123456782")
    assert looks_like_identifier("SKN-2026-001234")
    assert not looks_like_identifier("de Vries")
    assert not looks_like_identifier("Jan 2")


def test_bsn_is_recognised_with_its_elfproef():
    assert parse_identifier("123456782").checksum_ok
    assert not parse_identifier("123456789").checksum_ok


def test_codes_of_letters_and_digits_are_identifiers():
    assert looks_like_identifier("AB12CD34")
    assert looks_like_identifier("CJIB-AB12CD34")
    assert looks_like_identifier("cjib ab12cd34")


@pytest.mark.parametrize("typed", ["v.d. Berg", "vd Berg", "Berg, v.d.", "V/D Berg"])
def test_abbreviated_van_der_is_dropped_like_the_words(typed):
    query = parse_name(typed)
    assert query.surname_keys == ("berg",)
    assert query.initials == ()
