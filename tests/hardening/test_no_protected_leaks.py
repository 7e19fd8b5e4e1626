"""No response to a role that may not see protected persons holds a protected person's name or address.

Every route x method of the role matrix, plus the requests that return the most about a ban (a lookup of
the bound person, the lookup page, error bodies), as every role outside ROLES_SEEING_PROTECTED_PERSONS
(docs/need-to-know.md). The bodies are searched as text, JSON and HTML alike, for the invented strings of
hardening_world.PROTECTED. The alert messages on the police queue are searched too.
"""

import json

import pytest
from hardening_world import ROLES, SECRET_STRINGS, SEES_PROTECTED, World
from url_routes import all_routes, path_kwargs, probe

from geofence.alerts.models import AlertOutbox

NOT_SEEING = [role for role in ROLES if role not in SEES_PROTECTED]


def extra_paths(world: World) -> list[str]:
    """Return requests beyond the matrix probes that answer the most about the world's ban."""
    surname, ban, incident = world.ids["person_surname"], world.ids["ban"], world.ids["incident"]
    return [
        f"/api/v1/lookup?q={surname}",
        f"/politie/?q={surname}",
        f"/api/v1/bans/?search={surname}",
        f"/api/v1/lookup/bans/{ban}/protected-persons",
        f"/monitor/api/incidents/{incident}/",
        f"/monitor/incidents/{incident}/",
        "/api/v1/bans/999999999/",
        "/api/v1/no-such-endpoint/",
    ]


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def every_answer(world: World, role: str):
    """Yield (request, body text) for every matrix probe and extra request made as the role."""
    for route in all_routes():
        path = route.path(path_kwargs(route.name, world))
        for method in route.methods():
            yield f"{method.upper()} {path}", body_text(probe(world, role, method, path))
    for path in extra_paths(world):
        yield f"GET {path}", body_text(world.client(role).get(path))


def leaks(world: World, role: str) -> list[str]:
    return [
        f"{request}: {secret!r}"
        for request, text in every_answer(world, role)
        for secret in SECRET_STRINGS
        if secret in text
    ]


@pytest.mark.parametrize("role", NOT_SEEING)
def test_no_answer_shows_a_protected_person(role, world):
    found = leaks(world, role)
    assert not found, f"{role} was shown:\n" + "\n".join(found)


@pytest.mark.parametrize("role", sorted(SEES_PROTECTED))
def test_the_search_finds_what_a_permitted_role_sees(role, world):
    # Without this, a search that can never match would pass the test above.
    answers = [body_text(world.client(role).get(path)) for path in extra_paths(world)]
    assert [secret for secret in SECRET_STRINGS if any(secret in text for text in answers)]


def test_alert_messages_on_the_police_queue_name_no_protected_person(world):
    messages = list(AlertOutbox.objects.values_list("message", flat=True))
    assert messages
    text = json.dumps(messages, ensure_ascii=False)
    assert not [secret for secret in SECRET_STRINGS if secret in text]
