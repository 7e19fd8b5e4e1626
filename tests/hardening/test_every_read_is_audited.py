"""Every GET route of config.urls and every admin page: a read that shows a person's data is audited.

The routes come from the URL configuration (url_routes.all_routes), the admin pages from the same walk,
their object ids from admin.site._registry. Each route is requested with the world's data present, as a
role allowed to read it (role_rules). A route that answers 200 must write an audit entry, naming the
world's person when the answer shows their surname and the world's victim when it shows any of the
victim's details, unless it is listed in NO_PERSONAL_DATA with its reason; a listed route must then
really show nothing of either. A new route that is neither audited nor listed fails here by name.
"""

import re
import sys

import pytest
from django.contrib import admin
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from hardening_world import SECRET_STRINGS, World
from role_rules import rule_for
from test_no_protected_leaks import body_text
from url_routes import all_routes, path_kwargs

from geofence.alerts.models import WorkerHeartbeat
from geofence.models import QuarantinedItem, QuarantineReason, Vendor
from registry import services
from registry.importer import import_file
from registry.models import AuditEntry
from tests.two_factor import authenticator

# GET routes that show nobody's data, each with the reason.
NO_PERSONAL_DATA = {
    "home": "redirects each role to its own page",
    "login": "the sign-in form",
    "two-factor": "the second-factor form of the signed-in user",
    "schema": "the OpenAPI description",
    "swagger-ui": "the API documentation page",
    "redoc": "the API documentation page",
    "api-root": "links to the API's lists",
    "health": "delivery and worker figures",
    "metrics": "counters without ids",
    "monitor:board": "the page shell; its rows come from monitor:api-incidents",
    "monitor:incident": "the page shell; its data comes from monitor:api-incident",
    "monitor:devices": "the page shell; its rows come from monitor:api-devices",
    "admin:index": "the list of models",
    "admin:login": "the admin sign-in form",
    "admin:logout": "signs out",
    "admin:password_change": "the signed-in user's own password form",
    "admin:password_change_done": "a confirmation",
    "admin:jsi18n": "the admin's translated script texts",
    "admin:app_list": "the list of one app's models",
    "admin:view_on_site": "a redirect to the object's own page",
    "admin:auth_user_password_change": "a password form for a staff account",
    "monitor:map": "the page shell; its data comes from monitor:api-map",
    "monitor:statistics": "figures per day, type, priority and vendor; no ids",
    "monitor:statistics-csv": "the statistics page's figures as CSV",
    "device-list": "vendor, device id, kind and model; who wears a device is in assignment-list",
    "device-detail": "vendor, device id, kind and model; who wears a device is in assignment-detail",
    "registry:import-jobs": "file names, counts and who imported; the rows are in registry:import-job",
    "registry:import-job-progress": "counts of rows done, created, updated and rejected",
    "bridge-osmand": "a device's position upload by GET (OsmAnd protocol), for vendors only; answers a receipt",
}
# Admin views that show a form or refuse: an add page is an empty form.
NO_PERSONAL_DATA_SUFFIXES = {"_add": "an empty form for a new row"}
# Query strings that make a route answer with data.
QUERIES = {
    "lookup": lambda w: {"q": w.ids["person_surname"]},
    "admin:autocomplete": lambda w: {
        "app_label": "registry",
        "model_name": "ban",
        "field_name": "person",
        "term": w.ids["person_surname"],
    },
}
# The reader the probe uses, first allowed role wins: operators first, so their region rule applies.
READERS = ("operator", "supervisor", "registrar", "officer", "dispatch", "admin")


def exempt_reason(name: str) -> str | None:
    if name in NO_PERSONAL_DATA:
        return NO_PERSONAL_DATA[name]
    return next((r for suffix, r in NO_PERSONAL_DATA_SUFFIXES.items() if name.endswith(suffix)), None)


def reader(name: str) -> str | None:
    """Return the role the probe reads as, or None when only a vendor's key may GET the route."""
    rule = rule_for(name)
    allowed = rule.methods["get"][0] if rule and "get" in rule.methods else frozenset({"admin"})
    return next((role for role in READERS if role in allowed), None)


def admin_object_ids() -> dict[str, object]:
    """Return, per admin URL name prefix ("admin:registry_person_"), the id of a row to show."""
    ids = {}
    for model in admin.site._registry:
        first = model._default_manager.order_by("pk").first()
        ids[f"admin:{model._meta.app_label}_{model._meta.model_name}_"] = first.pk if first else None
    return ids


def get_routes() -> list:
    return [route for route in all_routes() if "get" in route.methods()]


def probe_read(world: World, name: str, path: str):
    client = world.client(reader(name))
    if name == "lookup-page":
        # The page shows an answer only under the opaque id its search redirects to.
        path = client.post(path, {"q": world.ids["person_surname"]})["Location"]
    query = QUERIES[name](world) if name in QUERIES else {}
    return client.get(path, query)


def shown(world: World, text: str) -> tuple[bool, bool]:
    """Return whether the text shows the world's person (surname) and its victim (any detail)."""
    person = re.search(rf"\b{re.escape(world.ids['person_surname'])}\b", text) is not None
    victim = any(secret in text for secret in SECRET_STRINGS)
    return person, victim


@pytest.fixture
def full_world(world: World) -> World:
    """The world plus one row of every admin model the world itself does not make."""
    person, admin_user = world.ids["person"], world.users["admin"]
    services.update_person(person, user=world.users["registrar"], reason="bijnaam", aliases=["Bijnaam Verzonnen"])
    import_file(b'[{"kenmerk": "onvolledig"}]', filename="fout.json", user=world.users["registrar"])
    WorkerHeartbeat.objects.create(queue="controle", beat_at=timezone.now())
    vendor = Vendor.objects.order_by("pk").first()
    QuarantinedItem.objects.create(
        vendor=vendor, index=0, raw={}, reason=QuarantineReason.MALFORMED, received_at=timezone.now()
    )
    authenticator(admin_user)
    StaticDevice.objects.create(user=admin_user, name="reserve")
    return world


def unaudited_reads(world: World) -> list[str]:
    object_ids = admin_object_ids()
    wrong = []
    for route in get_routes():
        kwargs = path_kwargs(route.name, world)
        prefix = next((p for p in object_ids if route.name.startswith(p)), None)
        if prefix is not None and "object_id" in route.kwarg_names:
            if object_ids[prefix] is None:
                wrong.append(f"{route.name}: no row to show (add one to hardening_world)")
                continue
            kwargs["object_id"] = object_ids[prefix]
        path = route.path(kwargs)
        if reader(route.name) is None:
            if exempt_reason(route.name) is None:
                wrong.append(f"{route.name}: readable by no person's role and not in NO_PERSONAL_DATA")
            continue
        before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = probe_read(world, route.name, path)
        text = body_text(response)
        person, victim = shown(world, text)
        entries = list(AuditEntry.objects.filter(id__gt=before))
        persons = {i for e in entries for i in e.person_ids}
        victims = {i for e in entries for i in e.protected_person_ids}
        label = f"{route.name} GET {path} as {reader(route.name)} ({response.status_code})"
        if exempt_reason(route.name) is not None or response.status_code != 200:
            if person or victim:
                wrong.append(f"{label}: shows a person but is listed or refused without an audit entry")
            continue
        if not entries:
            wrong.append(f"{label}: no audit entry and not in NO_PERSONAL_DATA")
        if person and world.ids["person"] not in persons:
            wrong.append(f"{label}: shows the person, entry names persons {sorted(persons)}")
        if victim and world.ids["protected"] not in victims:
            wrong.append(f"{label}: shows the victim, entry names protected persons {sorted(victims)}")
    return wrong


def test_every_read_of_personal_data_is_audited(full_world):
    wrong = unaudited_reads(full_world)
    assert not wrong, "reads without the right audit entry:\n" + "\n".join(wrong)


def test_every_admin_model_has_its_changelist_and_change_page_probed():
    names = {route.name for route in get_routes()}
    missing = [
        f"{model._meta.label}: {view}"
        for model in admin.site._registry
        for view in ("changelist", "change")
        if f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}" not in names
    ]
    assert not missing


def test_an_unaudited_read_is_named(world, monkeypatch):
    # Without its audit entry, the victims-of-a-ban route must be reported by name.
    here = sys.modules[__name__]
    monkeypatch.setattr(here, "get_routes", lambda: [r for r in all_routes() if r.name == "lookup-protected"])
    monkeypatch.setattr(AuditEntry, "record", classmethod(lambda cls, *args, **kwargs: None))
    assert [w for w in unaudited_reads(world) if w.startswith("lookup-protected ")]


def test_the_audit_search_finds_reads_of_a_victim_through_the_new_routes(world):
    victim = world.ids["protected"]
    reads = {
        "operator": f"/monitor/api/incidents/{world.ids['incident']}/",
        "registrar": f"/api/v1/reports/{world.ids['report']}",
        "supervisor": f"/api/v1/letters/{world.ids['letter']}",
    }
    for role, path in reads.items():
        assert world.client(role).get(path).status_code == 200
    rows = world.client("supervisor").get(f"/api/v1/audit?protected_person={victim}").json()["results"]
    found = {(row["actor_name"], row["details"].get("route")) for row in rows}
    assert {(world.users["operator"].username, "monitor:api-incident")} <= found
    assert {(world.users["registrar"].username, "reports-detail")} <= found
    assert {(world.users["supervisor"].username, "letters-detail")} <= found
