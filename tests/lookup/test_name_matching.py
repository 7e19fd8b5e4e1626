"""The name-matching table: spellings an officer may type, and whom they must find.

Runs on SQLite and on PostgreSQL (DATABASE_URL): same queries, same answers.
"""

from datetime import date
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection

from registry.lookup.query import parse_name
from registry.lookup.search import search_name
from registry.models import PersonAlias

PEOPLE = {
    "hümeyra": ("Hümeyra", "Çelik", "", date(1991, 3, 4)),
    "jan_de_vries": ("Jan Pieter", "Vries", "de", date(1980, 5, 17)),
    "anna_de_vries": ("Anna", "Vries", "de", date(1975, 11, 2)),
    "janssen": ("Klaas", "Janssen", "", date(1969, 7, 30)),
    "van_den_berg": ("Saskia", "Berg", "van den", date(1988, 1, 9)),
    "double": ("Marloes", "Jansen-de Vries", "", date(1993, 8, 21)),
    "ijsselstein": ("Eline", "IJsselstein", "", date(2000, 2, 29)),
    "obrien": ("Seán", "O'Brien", "", date(1985, 12, 24)),
    "pietersen": ("Piet", "Pietersen", "", date(1970, 1, 1)),
    "dekvliet": ("Thijsien", "Dekvliet", "van", date(1981, 3, 27)),
}

# (typed name, date of birth or None, persons that must be found, persons that must not)
TABLE = [
    ("Hümeyra Çelik", None, ["hümeyra"], []),
    ("Humeyra Celik", None, ["hümeyra"], []),
    ("HUMEYRA CELIK", None, ["hümeyra"], []),
    ("celik", None, ["hümeyra"], ["janssen"]),
    ("Çelik, Hümeyra", None, ["hümeyra"], []),
    ("de Vries", None, ["jan_de_vries", "anna_de_vries"], ["janssen"]),
    ("Vries, de", None, ["jan_de_vries", "anna_de_vries"], []),
    ("vries", None, ["jan_de_vries", "anna_de_vries"], []),
    ("J. de Vries", None, ["jan_de_vries"], []),
    ("J.P. de Vries", None, ["jan_de_vries"], []),
    ("Jan de Vries", None, ["jan_de_vries"], []),
    ("Vries Jan", None, ["jan_de_vries"], []),
    ("DE VRIES", date(1975, 11, 2), ["anna_de_vries"], ["jan_de_vries"]),
    ("Jansen", None, ["janssen"], ["pietersen"]),
    ("Janssen", None, ["janssen"], []),
    ("Jnassen", None, ["janssen"], []),
    ("Celiq", None, ["hümeyra"], []),
    ("Berg", None, ["van_den_berg"], []),
    ("van den Berg", None, ["van_den_berg"], []),
    ("Berg, van den", None, ["van_den_berg"], []),
    ("Vandenberg", None, ["van_den_berg"], []),
    ("vanDekvliet", None, ["dekvliet"], []),
    ("Vandekvliet", date(1981, 3, 27), ["dekvliet"], []),
    ("Jansen-de Vries", None, ["double"], []),
    ("Marloes de Vries", None, ["double"], []),
    ("IJsselstein", None, ["ijsselstein"], []),
    ("ijselstein", None, ["ijsselstein"], []),
    ("O'Brien", None, ["obrien"], []),
    ("obrien", None, ["obrien"], []),
    ("Sean O Brien", None, [], []),
    ("Pieterse", None, ["pietersen"], ["janssen"]),
]


@pytest.fixture
def people(registry):
    return {key: registry.person(g, s, tv, dob).pk for key, (g, s, tv, dob) in PEOPLE.items()}


def found(text: str, dob=None) -> list[int]:
    return [m.person_id for m in search_name(parse_name(text), dob).matches]


@pytest.mark.parametrize(("typed", "dob", "expected", "excluded"), TABLE, ids=[row[0] for row in TABLE])
def test_name_table(people, typed, dob, expected, excluded):
    ids = found(typed, dob)
    for key in expected:
        assert people[key] in ids, f"{typed!r} must find {key}"
    for key in excluded:
        assert people[key] not in ids, f"{typed!r} must not find {key}"


def test_exact_surname_ranks_above_typo(registry):
    typo = registry.person("Karel", "Jansen")
    exact = registry.person("Karel", "Janssen")
    assert found("Janssen")[:2] == [exact.pk, typo.pk]


def test_given_name_ranks_the_right_de_vries_first(people):
    assert found("Anna de Vries")[0] == people["anna_de_vries"]
    assert found("J. de Vries")[0] == people["jan_de_vries"]


def test_date_of_birth_narrows_to_the_person_born_then(people):
    assert found("de Vries", date(1980, 5, 17)) == [people["jan_de_vries"]]


def test_date_of_birth_known_to_nobody_still_shows_name_matches(people):
    outcome = search_name(parse_name("de Vries"), date(1999, 9, 9))
    assert outcome.dob_relaxed
    assert {people["jan_de_vries"], people["anna_de_vries"]} <= {m.person_id for m in outcome.matches}


def test_person_without_date_of_birth_is_kept_when_a_date_is_given(registry, people):
    unknown = registry.person("Anouk", "Vries", "de", None)
    assert unknown.pk in found("de Vries", date(1980, 5, 17))


def test_person_without_date_of_birth_is_found_by_a_typo_of_the_surname_when_a_date_is_given(registry, people):
    unknown = registry.person("Anouk", "Dekvlies", "van", None)
    dated = registry.person("Anouk", "Dekvlies", "van", date(1960, 1, 1))
    ids = found("van Dekvlis", date(1981, 3, 27))
    assert people["dekvliet"] in ids  # born that day: two typos allowed
    assert unknown.pk in ids  # birth date unknown: found by the surname's words
    assert dated.pk not in ids  # born another day


def test_alias_finds_the_person(registry):
    person = registry.person("Bartholomeus", "Kwakkelstein", dob=date(1977, 4, 4))
    registry.alias(person, "Bart de Zwijger")
    ids = found("Bart de Zwijger")
    assert ids == [person.pk]
    match = search_name(parse_name("Zwijger")).matches[0]
    assert match.alias == "Bart de Zwijger"


def test_an_alias_with_a_date_of_birth_finds_those_born_that_day_or_of_unknown_birth(registry):
    born = registry.person("Bartholomeus", "Kwakkelstein", dob=date(1977, 4, 4))
    unknown = registry.person("Hendrik", "Molenaar", dob=None)
    other = registry.person("Willem", "Brouwer", dob=date(1990, 1, 1))
    for person in (born, unknown, other):
        registry.alias(person, "Bart de Zwijger")
    outcome = search_name(parse_name("Bart de Zwijger"), date(1977, 4, 4))
    assert [m.person_id for m in outcome.matches] == [born.pk, unknown.pk]
    assert all(m.alias == "Bart de Zwijger" for m in outcome.matches)


def test_an_alias_is_found_by_its_last_word_only(registry):
    person = registry.person("Gerrit", "Hoekstra")
    registry.alias(person, "Gerrit Zwijgerman")
    assert found("Zwijger") == []
    assert found("Zwijgerman") == [person.pk]


def test_an_alias_keeps_its_last_word_and_the_migration_fills_it_for_aliases_stored_before(registry):
    person = registry.person("Gerrit", "Hoekstra")
    names = ["Gérrit Ünal", "Zwijger", "Jan-Piet  van 't Hof", "O'Neil"]
    for name in names:
        registry.alias(person, name)
    aliases = PersonAlias.objects.filter(person=person).order_by("id")
    assert list(aliases.values_list("last_word", flat=True)) == ["unal", "zwijger", "hof", "oneil"]
    aliases.update(last_word="")
    fill_last_words(django_apps, _Editor())
    assert list(aliases.values_list("last_word", flat=True)) == ["unal", "zwijger", "hof", "oneil"]


fill_last_words = import_module("registry.migrations.0011_alias_last_word").fill_last_words


class _Editor:
    """What the migration's data step uses of a schema editor: this test's connection."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_alias_with_diacritics_is_found_without_them(registry):
    person = registry.person("Gerrit", "Hoekstra")
    registry.alias(person, "Gérrit Ünal")
    assert found("Gerrit Unal") == [person.pk]


def test_glued_tussenvoegsel_ranks_below_the_name_typed_exactly(registry):
    glued = registry.person("Karel", "Vandenberg")
    spaced = registry.person("Karel", "Berg", "van den")
    assert found("Vandenberg")[:2] == [glued.pk, spaced.pk]


def test_unknown_name_finds_nobody(people):
    assert found("Zzyzxwvut") == []


def test_three_letter_surname_is_not_typo_matched(registry):
    registry.person("Lin", "Wu")
    registry.person("Lin", "Wo")
    ids = found("Wu")
    assert len(ids) == 1


def test_common_surname_is_narrowed_by_the_typed_given_name(registry, monkeypatch):
    from registry.lookup import search

    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 5)
    for i in range(8):
        registry.person(f"Klaasje{'abcdefgh'[i]}", "Bakberg")
    wanted = registry.person("Teunis", "Bakberg")
    outcome = search_name(parse_name("Teunis Bakberg"))
    assert outcome.matches[0].person_id == wanted.pk
    assert outcome.truncated


def test_common_surname_without_given_name_says_the_answer_is_truncated(registry, monkeypatch):
    from registry.lookup import search

    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 5)
    for i in range(8):
        registry.person(f"Klaasje{'abcdefgh'[i]}", "Bakberg")
    assert search_name(parse_name("Bakberg")).truncated


def test_crowded_surname_fetches_the_given_name_as_typed_before_near_misses(registry, monkeypatch):
    from registry.lookup import search

    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 5)
    for given in ["Baas", "Bast", "Bras", "Bes", "Bos", "Bal", "Bar", "Bat"]:
        registry.person(given, "Bakberg")
    wanted = registry.person("Bas", "Bakberg")
    outcome = search_name(parse_name("Bas Bakberg"))
    assert outcome.matches[0].person_id == wanted.pk
