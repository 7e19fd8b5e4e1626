"""A lookup reads the database in few statements: every round trip is paid by every officer waiting."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from geofence.models import DeviceStatus
from geofence.testing import make_device, make_vendor
from registry.lookup import search, vocabulary
from registry.models import AuditEntry, BanKind, LegalBasis
from tests.lookup.conftest import NOW
from tests.services import require_postgres

URL = "/api/v1/lookup"
# Token with its user and the user's roles, the search, the persons with their bans and decisions, the audit entry.
STATEMENTS = 4


def statements_of(params: dict) -> list[str]:
    return answer_and_statements(params)[1]


def answer_and_statements(params: dict) -> tuple[dict, list[str]]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=User.objects.get(username='bob'))[1]}")
    with time_machine.travel(NOW), CaptureQueriesContext(connection) as queries:
        response = client.post(URL, params, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["results"]
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    return response.json(), statements


@pytest.fixture
def postgres(db):
    require_postgres()


def test_an_identifier_lookup_of_a_person_with_bans_takes_four_statements(postgres, users, registry):
    person = registry.person("Dirkje", "Vlietstra", bsn="111222333")
    registry.ban(person, BanKind.CONTACT)
    registry.ban(person, BanKind.AREA, radius_m=5000)
    statements = statements_of({"id": "111222333"})
    assert len(statements) == STATEMENTS, statements
    assert AuditEntry.objects.filter(action="lookup", person_ids=[person.pk]).count() == 1


def test_a_monitored_persons_device_contact_comes_with_the_bans(postgres, users, registry):
    person = registry.person("Dirkje", "Vlietstra", bsn="111222333")
    decision = registry.decision(person, LegalBasis.GEDRAGSAANWIJZING, electronic_monitoring=True)
    registry.ban(person, BanKind.AREA, decision)
    device = make_device(make_vendor()[0], person=person, since=NOW - timedelta(days=30))
    DeviceStatus.objects.filter(device=device).update(last_contact_at=NOW - timedelta(minutes=3))

    answer, statements = answer_and_statements({"id": "111222333"})

    assert len(statements) == STATEMENTS, statements
    shown = datetime.fromisoformat(answer["results"][0]["bans"][0]["device_last_contact"])
    assert shown == NOW - timedelta(minutes=3)


def test_a_name_lookup_reads_persons_and_bans_in_one_statement(postgres, users, registry):
    for n in range(6):
        person = registry.person("Dirkje", "Vlietstra", bsn=f"11122{n:03d}3")
        registry.ban(person, BanKind.CONTACT)
    statements = statements_of({"q": "Dirkje Vlietstra"})
    bans = [sql for sql in statements if 'FROM "registry_ban"' in sql]
    assert len(bans) == 1 and '"registry_person"' in bans[0]
    assert not any(sql.startswith('SELECT "registry_person"') and "IN (" in sql for sql in statements)


def test_a_name_lookup_reads_its_candidates_and_their_aliases_in_one_statement(postgres, users, registry):
    born = registry.person("Dirkje", "Vlietstra", dob=NOW.date() - timedelta(days=12_000))
    undated = registry.person("Dirkje", "Vliestra", dob=None)
    known_as = registry.person("Klaasje", "Zwanenburg", dob=None)
    registry.alias(known_as, "Dirkje Vlietstra")
    for person in (born, undated, known_as):
        registry.ban(person, BanKind.CONTACT)  # read with their bans
    vocabulary.warm()  # loaded before, as a web worker does at start
    for params in ({"q": "Dirkje Vlietstra", "dob": born.date_of_birth.isoformat()}, {"q": "Dirkje Vlietstra"}):
        answer, statements = answer_and_statements(params)
        searches = [
            sql
            for sql in statements
            if "registry_personalias" in sql or ('FROM "registry_person"' in sql and "registry_ban" not in sql)
        ]
        assert len(searches) == 1 and "registry_personalias" in searches[0], searches
        assert {r["person"]["id"] for r in answer["results"]} == {born.pk, undated.pk, known_as.pk}


def test_a_crowded_surname_is_narrowed_in_the_same_statement_as_the_other_candidates(
    postgres, users, registry, monkeypatch
):
    """Whole surname keys, aliases, and the crowded key's persons by first and later given name: one read."""
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 5)
    crowd = [registry.person(given, "Vlietstra") for given in "Aart Bep Daan Eelco Gijs Henk Ineke Joost".split()]
    first = registry.person("Dirkje", "Vlietstra")
    later = registry.person("Anna Dirkje", "Vlietstra")  # called by her second given name
    sound_alike = registry.person("Dirkje", "Vliestra")  # a surname key of its own, fetched whole
    for person in [*crowd, first, later, sound_alike]:
        registry.ban(person, BanKind.CONTACT)  # read with their bans
    vocabulary.warm()
    answer, statements = answer_and_statements({"q": "Dirkje Vlietstra"})
    searches = [sql for sql in statements if 'FROM "registry_person"' in sql and "registry_ban" not in sql]
    assert len(searches) == 1, searches
    shown = [r["person"]["id"] for r in answer["results"]]
    assert shown[0] == first.pk
    assert {later.pk, sound_alike.pk} <= set(shown)
