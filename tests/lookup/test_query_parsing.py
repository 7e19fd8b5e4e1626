"""Query parsing and the one-typo rule that makes retrieval and ranking agree."""

from hypothesis import given
from hypothesis import strategies as st

from registry.lookup.query import (
    looks_like_identifier,
    one_edit_variants,
    parse_identifier,
    parse_name,
    within_one_edit,
)

keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)


@given(keys, keys)
def test_variants_are_exactly_the_keys_within_one_edit(a, b):
    # Retrieval uses the variants, ranking uses within_one_edit: they must agree or a typo is lost.
    assert (b in one_edit_variants(a) or a == b) == within_one_edit(a, b)


@given(keys)
def test_every_variant_is_within_one_edit(a):
    assert all(within_one_edit(a, v) for v in one_edit_variants(a))


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
