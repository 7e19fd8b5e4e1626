"""Fuzz the served API schema: every operation, every role, a few generated cases each (see api_fuzz.py).

The dedicated run with 1,000+ cases per operation is bench/fuzz_api.py; its figures are in
docs/RELIABILITY.md.
"""

from api_fuzz import fuzz_all


def report(outcomes) -> str:
    return "\n".join(
        f"{o.operation} as {o.role}: {title}\n    {curl}" for o in outcomes for title, curl in o.failures.items()
    )


def test_every_operation_as_every_role_holds_to_the_schema(world):
    outcomes = fuzz_all(world, cases=6, refused_cases=2)
    assert sum(o.cases for o in outcomes) > 0
    failures = report(outcomes)
    assert not failures, failures
