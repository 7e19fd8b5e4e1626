"""A surname more persons share than one query fetches: the typed given name must still find the person.

CANDIDATE_LIMIT is lowered so that a dozen invented persons make a crowded surname,
as thousands do at a million persons. Runs on SQLite and on PostgreSQL.
"""

import pytest

from registry.lookup import search
from registry.lookup.query import parse_name
from registry.lookup.search import search_name

CROWD_GIVEN = "Aart Bep Daan Eelco Gijs Henk Ineke Joost Kees Lotte Maarten Nina Otto Roel".split()


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 5)


@pytest.fixture
def crowd(registry, small_limit):
    """Fourteen persons named Zwaluwberg and fourteen named Zwaluwburg, none of them the one sought."""
    for given in CROWD_GIVEN:
        registry.person(given, "Zwaluwberg")
        registry.person(given, "Zwaluwburg")


def _ids(typed: str) -> list[int]:
    return [m.person_id for m in search_name(parse_name(typed)).matches]


def test_given_name_finds_the_person_in_a_crowded_surname(crowd, registry):
    sought = registry.person("Pieternel", "Zwaluwberg")
    assert _ids("Pieternel Zwaluwberg")[0] == sought.pk


def test_given_name_finds_the_person_when_typed_surname_has_a_typo(crowd, registry):
    sought = registry.person("Pieternel", "Zwaluwberg")
    assert _ids("Pieternel Zwaluwbreg")[0] == sought.pk


def test_mistyped_given_name_finds_the_person_in_a_crowded_surname(crowd, registry):
    sought = registry.person("Pieternel", "Zwaluwberg")
    assert _ids("Pietrenel Zwaluwberg")[0] == sought.pk


def test_call_name_that_is_not_the_first_given_name_finds_the_person(crowd, registry):
    sought = registry.person("Johanna Pieternel", "Zwaluwberg")
    assert _ids("Pieternel Zwaluwberg")[0] == sought.pk


def test_initials_find_the_person_in_a_crowded_surname(crowd, registry):
    sought = registry.person("Pieternel Quirina", "Zwaluwberg")
    assert _ids("P. Q. Zwaluwberg")[0] == sought.pk


def test_exact_surname_is_narrowed_before_a_sound_alike_crowd(crowd, registry):
    # Both crowds hold a "Pieternel" under the limit; the surname as typed must come first.
    exact = registry.person("Pieternel", "Zwaluwberg")
    registry.person("Pieternel", "Zwaluwburg")
    assert _ids("Pieternel Zwaluwberg")[0] == exact.pk


def test_surname_only_in_a_crowd_is_reported_truncated(crowd):
    outcome = search_name(parse_name("Zwaluwberg"))
    assert outcome.truncated
    assert outcome.matches


@pytest.mark.parametrize("typed", ["Sanne opdeBerkhout", "Sanne in'tBerkhout", "Sanne vandeBerkhout"])
def test_glued_tussenvoegsel_is_read_off_the_surname(registry, typed):
    sought = registry.person("Sanne", "Berkhout", "op de")
    registry.person("Sanne", "Opdeberkhoff")
    assert _ids(typed)[0] == sought.pk


def test_surname_as_typed_is_narrowed_before_a_crowd_one_typo_away(registry, small_limit):
    # More "P." persons one typo away than one query fetches: the surname typed must be searched first.
    for given in "Pim Piet Paula Pauline Peter Pepijn Petra Pleun Puck Priscilla".split():
        registry.person(given, "Zwaluwberg")
    for given in CROWD_GIVEN[:6]:
        registry.person(given, "Zwaluwburg")
    sought = registry.person("Pieternel", "Zwaluwburg")
    assert _ids("P. Zwaluwburg")[0] == sought.pk
