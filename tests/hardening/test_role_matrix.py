"""Every route of config.urls x every role x every method the route answers, against the rule table.

The routes come from the URL configuration itself, so a new route without a rule in role_rules.py
fails test_every_route_has_a_rule by name. Valid writes by the allowed roles are checked in
tests/registry/test_registry_permission_matrix.py; here an allowed role sends an empty body.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse
from hardening_world import ROLES, VENDORS
from role_rules import ADMIN_USERS, Rule, rule_for
from url_routes import all_routes, path_kwargs, probe

from geofence.models import DeviceEvent, Fix


def is_refused_outright(rule: Rule, role: str) -> bool:
    """Return True when the role does not even count as logged in for this kind of route."""
    if rule.kind == "feed":
        return role not in VENDORS
    if rule.kind == "admin":
        return role not in ADMIN_USERS
    return role == "anonymous" or role in VENDORS


def expected(rule: Rule, method: str, role: str) -> tuple[frozenset[int], str | None]:
    """Return the acceptable statuses and, for a redirect to a login page, where it must lead."""
    roles, status = rule.methods[method]
    statuses = status if isinstance(status, frozenset) else frozenset({status})
    if rule.kind == "public" or role in roles:
        return statuses, None
    if is_refused_outright(rule, role):
        if rule.kind == "page":
            return frozenset({302}), reverse("login")
        if rule.kind == "admin":
            return frozenset({302}), reverse("admin:login")
        return frozenset({401}), None
    return frozenset({403}), None


def test_every_route_has_a_rule():
    missing = [
        f"{route.name} {method.upper()}"
        for route in all_routes()
        for method in route.methods()
        if (rule := rule_for(route.name)) is None or method not in rule.methods
    ]
    assert not missing, "routes without a rule in tests/hardening/role_rules.py: " + ", ".join(missing)


def test_a_route_without_a_rule_is_named(monkeypatch):
    import role_rules

    monkeypatch.delitem(role_rules.RULES, "lookup-protected")
    with pytest.raises(AssertionError, match=r"lookup-protected GET"):
        test_every_route_has_a_rule()


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(role, world):
    wrong = []
    for route in all_routes():
        rule = rule_for(route.name)
        path = route.path(path_kwargs(route.name, world))
        for method in route.methods():
            statuses, login = expected(rule, method, role)
            response = probe(world, role, method, path)
            location = urlsplit(response.get("Location", "")).path
            if response.status_code not in statuses or (login and location != login):
                wrong.append(f"{method.upper()} {path} ({route.name}): {response.status_code} {location}")
    assert not wrong, f"{role} got, against the rules:\n" + "\n".join(wrong)


def test_vendor_b_cannot_write_to_vendor_a_devices(world, django_capture_on_commit_callbacks):
    device = world.ids["device_a"]
    before = Fix.objects.filter(device__device_id=device).count(), DeviceEvent.objects.count()
    fix = {"device": device, "ts": "2026-03-01T12:00:00Z", "lat": 52.0, "lon": 5.0, "accuracy_m": 5}
    event = {"device": device, "ts": "2026-03-01T12:00:00Z", "type": "low_battery", "battery_pct": 5}
    client = world.client("vendor_b")
    with django_capture_on_commit_callbacks(execute=True):
        fixes = client.post("/api/v1/feeds/positions", {"fixes": [fix]}, format="json").json()
        events = client.post("/api/v1/feeds/events", {"events": [event]}, format="json").json()
    assert [r["reason"] for r in fixes["rejected"] + events["rejected"]] == ["foreign_device", "foreign_device"]
    assert (Fix.objects.filter(device__device_id=device).count(), DeviceEvent.objects.count()) == before


@pytest.mark.parametrize(
    "path",
    ["/api/v1/protected-persons/0.97/", "/api/v1/persons/1.json", "/api/v1/incidents/1.api/", "/api/v1/bans.json"],
)
def test_a_format_suffix_is_no_route_of_the_api(path, client):
    # With the router's format suffixes "0.97" was the id 0 in the format "97", a route that answered a
    # caller without credentials 404 (unknown format) instead of 401.
    with pytest.raises(Resolver404):
        resolve(path)
    assert client.patch(path, {}, content_type="application/json").status_code == 404
