"""Fuzz the served API schema: every operation, every role, a few generated cases each (see api_fuzz.py).

The dedicated run with 1,000+ cases per operation is bench/fuzz_api.py; its figures are in
docs/RELIABILITY.md.
"""

import pytest
from api_fuzz import fuzz_all
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


def report(outcomes) -> str:
    return "\n".join(
        f"{o.operation} as {o.role}: {title}\n    {curl}" for o in outcomes for title, curl in o.failures.items()
    )


@pytest.fixture
def keep_test_connection():
    """Keep the test's database connection across requests, as Django's test client does.

    The WSGI app closes the connection when a request ends; on PostgreSQL that would end the test's
    transaction, and the world with it.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_every_operation_as_every_role_holds_to_the_schema(world, keep_test_connection):
    outcomes = fuzz_all(world, cases=4, refused_cases=1)
    assert sum(o.cases for o in outcomes) > 0
    failures = report(outcomes)
    assert not failures, failures
