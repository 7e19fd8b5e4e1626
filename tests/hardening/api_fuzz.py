"""Fuzz every operation of the served OpenAPI schema, as every role, in-process through the WSGI app.

Shared by tests/hardening/test_api_fuzz.py (a few cases per operation) and bench/fuzz_api.py (1,000+).
Each case is checked for: no 5xx, a status code the schema documents, a body and content type that
match the schema (error bodies included); a role the rule table refuses must get 401 or 403.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import schemathesis
from django.urls import Resolver404, resolve
from hardening_world import ROLES, World
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from role_rules import rule_for
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Which row of the world a path's {id} names, by the path's first segment after /api/v1/.
ROW_OF = {
    "persons": "person",
    "protected-persons": "protected",
    "decisions": "decision",
    "bans": "ban",
    "imports": "batch",
    "letters": "letter",
    "reports": "report",
    "lookup": "ban",
    "incidents": "incident",  # /monitor/api/incidents/{id}/ and /api/v1/incidents/{id}/
    "devices": "device_pk",
    "assignments": "assignment",
}
API_PREFIXES = ("/api/v1/", "/monitor/api/")


@dataclass
class Outcome:
    """What one operation did as one role: case count, status counts and distinct failures."""

    operation: str
    role: str
    allowed: bool
    cases: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)  # failure title -> one reproduction

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code >= 500)


def load_schema(world: World):
    """Load the schema as served at /api/schema/ (it needs a logged-in user)."""
    return schemathesis.openapi.from_wsgi("/api/schema/", application, headers=world.auth_headers("registrar"))


def operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


def allowed_roles(operation) -> frozenset[str]:
    """Return the roles the rule table lets use the operation (tests/hardening/role_rules.py)."""
    sample = operation.path.replace("{alert_id}", str(uuid.uuid4())).replace("{id}", "1").replace("{action}", "note")
    match = resolve(sample)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    rule = rule_for(name)
    if rule is None or operation.method.lower() not in rule.methods:
        raise AssertionError(f"{operation.label} ({name}) has no rule in role_rules.py")
    return rule.methods[operation.method.lower()][0]


def real_path_parameters(operation, world: World) -> dict[str, object]:
    """Return path parameters naming rows of the world, so cases reach real objects and not only 404s."""
    params = {}
    if "{alert_id}" in operation.path:
        params["alert_id"] = world.ids["alert"]
    if "{id}" in operation.path:
        segment = next(operation.path.removeprefix(p) for p in API_PREFIXES if operation.path.startswith(p))
        segment = segment.split("/")[0]
        params["id"] = world.ids[ROW_OF[segment]]
    return params


def case_strategy(operation, world: World):
    """Valid and invalid data, half of it aimed at the world's rows."""
    real = real_path_parameters(operation, world)
    strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    if real:
        strategies += [operation.as_strategy(generation_mode=mode, path_parameters=real) for mode in GenerationMode]
    return st.one_of(strategies)


def is_refusal(response) -> bool:
    """Return True for 401 or 403, or a 404 for a path that matches no route (refused before any view)."""
    if response.status_code in (401, 403):
        return True
    try:
        resolve(unquote(urlsplit(response.request.url).path))
    except Resolver404:
        return response.status_code == 404
    return False


def fuzz(operation, role: str, world: World, cases: int) -> Outcome:
    """Run `cases` generated cases of the operation as the role; collect failures instead of stopping."""
    allowed = role in allowed_roles(operation)
    outcome = Outcome(operation.label, role, allowed)
    headers = world.auth_headers(role)

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=case_strategy(operation, world))
    def run(case):
        # An Authorization header the schema lets the generator fill in would replace the role's own.
        case.headers = {**(case.headers or {}), **headers}
        response = case.call()
        outcome.cases += 1
        outcome.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                outcome.failures.setdefault(failure.title, f"{failure.message[:500]}\n    {case.as_curl_command()}")
        if not allowed and not is_refusal(response):
            outcome.failures.setdefault(f"refused role got {response.status_code}", case.as_curl_command())

    run()
    return outcome


def fuzz_all(
    world: World, cases: int, refused_cases: int, part: tuple[int, int] = (1, 1), done=None, only=()
) -> list[Outcome]:
    """Fuzz every operation as every role: `cases` in all for the allowed roles, `refused_cases` per other role.

    `part` (k, n) takes every n-th operation from the k-th on, to share a long run between processes;
    `done` is called with each operation's outcomes as soon as they are in; `only` limits the run to
    the operations with these labels (e.g. "GET /api/v1/bans/").
    """
    outcomes = []
    k, n = part
    for operation in operations(load_schema(world))[k - 1 :: n]:
        if only and operation.label not in only:
            continue
        allowed = [role for role in ROLES if role in allowed_roles(operation)]
        share = -(-cases // max(len(allowed), 1))
        rows = [fuzz(operation, role, world, share if role in allowed else refused_cases) for role in ROLES]
        if done is not None:
            done(rows)
        outcomes += rows
    return outcomes
