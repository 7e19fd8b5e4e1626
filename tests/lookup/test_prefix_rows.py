"""Persons of some surname keys whose name starts with a given name: PostgreSQL's join of ranges and the ORM agree.

PostgreSQL reads one index range per surname key and given-name prefix
(search.prefix_rows); other databases ask LIKE. Both must return the persons the ORM's
startswith finds, for whole given names, initials and letters outside ASCII.
"""

from functools import reduce
from operator import or_

import pytest
from django.db.models import Q

from registry.lookup import search
from registry.models import Person

GIVEN = ["Pieternel", "Piet", "Pieter Jan", "Paula", "Joost Pieter", "Émile", "Ëva", "Quirina", "Pi"]
SURNAMES = ["Zwaluwberg", "Zwaluwburg", "Van Dijk", "Dijkstra"]


@pytest.fixture
def crowd(registry):
    for surname in SURNAMES:
        for given in GIVEN:
            registry.person(given, surname)
    registry.person("Pieternel", "Dijkstra", dob=None)


def _orm(keys: list[str], prefixes: list[str]) -> set[tuple]:
    starting = reduce(or_, (Q(name_key__startswith=prefix) for prefix in prefixes))
    found = Person.objects.filter(surname_key__in=keys).filter(starting)
    return set(found.values_list(*search._COLUMNS))


CASES = [
    (["zwaluwberg"], ["pieternel "]),
    (["zwaluwberg", "zwaluwburg"], ["piet ", "pieter ", "pi "]),
    (["zwaluwberg", "dijkstra", "no such key"], ["p"]),
    (["zwaluwburg", "dijkstra"], ["emile ", "eva ", "e"]),
    (["zwaluwberg"], ["joost ", "quirina "]),
    (["dijkstra"], ["pieternel ", "p"]),
]


@pytest.mark.parametrize(("keys", "prefixes"), CASES)
def test_the_range_join_finds_what_the_orm_finds(crowd, keys, prefixes):
    expected = _orm(keys, prefixes)
    assert expected, "each case must find someone, or it tests nothing"
    found = search.prefix_rows(keys, prefixes)
    assert len(found) == len(set(found)), "a person found by two prefixes is returned once"
    assert set(found) == expected


def test_no_keys_or_no_prefixes_find_nobody(crowd):
    assert search.prefix_rows([], ["piet "]) == []
    assert search.prefix_rows(["zwaluwberg"], []) == []
