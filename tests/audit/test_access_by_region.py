"""Access by region: every role x every region membership against every object kind of two regions.

The roles come from registry.roles.Role, the regions from two of PoliceRegion; each case builds one
incident, device, person, protected person, alert, letter and report per region and requests every
route that shows them. Region-bound users (operators) see their own region's rows and get 404 on the
other region's (403 where their role may not use the route at all); supervisors see both; an operator
without a region sees nothing. The rule itself is registry/regions.py.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.test import APIClient

from geofence.alerts.models import AlertOutbox
from geofence.models import Incident, IncidentType
from geofence.reports.models import ReportBasis
from geofence.reports.services import draft_report
from geofence.testing import give_region, make_ban, make_device, make_protected, make_vendor
from registry.letters.models import VictimNotice
from registry.letters.services import generate_all_due
from registry.models import PoliceRegion
from registry.regions import is_region_bound
from registry.roles import Role

REGIONS = (PoliceRegion.MIDDEN_NEDERLAND, PoliceRegion.ROTTERDAM)
MEMBERSHIPS = (*REGIONS, None)  # None: a user without a region


def _user(role: Role, region) -> User:
    user = User.objects.create_user(f"r-{role.value}-{region or 'geen'}")
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    if region:
        give_region(user, region)
    return user


def _world(region, vendor, registrar) -> dict:
    victim = make_protected()
    ban = make_ban(protected=[victim], region=region)
    device = make_device(vendor, person=ban.person, since=timezone.now() - timedelta(days=1))
    now = timezone.now()
    common = {"person": ban.person, "device": device, "vendor": vendor, "opened_at": now, "priority": 1}
    incident = Incident.objects.create(
        type=IncidentType.ZONE_VIOLATION, ban=ban, protected_person=victim, definite=True, **common
    )
    # A device incident has no ban: it takes its region from its subject's bans.
    device_incident = Incident.objects.create(type=IncidentType.STRAP_TAMPER, **common)
    alert = AlertOutbox.objects.create(incident_id=incident.pk, change="opened", priority=1, message={})
    report, _ = draft_report(incident, registrar, ReportBasis.OPERATOR_CONFIRMED, "gezien")
    return {
        "ban": ban,
        "victim": victim,
        "person": ban.person,
        "device": device,
        "incident": incident,
        "device_incident": device_incident,
        "alert": alert,
        "report": report,
    }


@pytest.fixture
def regions_world(db, users):
    vendor, _key = make_vendor("regio")
    rows = {region: _world(region, vendor, users["alice"]) for region in REGIONS}
    generate_all_due(users["alice"])
    for region in REGIONS:
        rows[region]["letter"] = VictimNotice.objects.filter(ban=rows[region]["ban"]).first()
    return rows


def _ids(response, key, field="id") -> set:
    body = response.json()
    rows = body.get(key, body.get("results", [])) if isinstance(body, dict) else body
    return {row[field] for row in rows}


def _reads(client: APIClient, user, rows: dict) -> dict[str, object]:
    """Return, per route, what this user got for the region's rows: True shown, False hidden, or a status."""
    incident, device_incident = rows["incident"], rows["device_incident"]
    board = client.get("/monitor/api/incidents/")
    devices = client.get("/monitor/api/devices/")
    answers = {
        "incident page": client.get(f"/monitor/incidents/{incident.pk}/"),
        "incident json": client.get(f"/monitor/api/incidents/{incident.pk}/"),
        "incident action": client.post(f"/monitor/api/incidents/{incident.pk}/note/", {"version": 1, "text": "x"}),
        "device incident json": client.get(f"/monitor/api/incidents/{device_incident.pk}/"),
        "alert detail": client.get(f"/api/v1/alerts/{rows['alert'].alert_id}"),
        "letter detail": client.get(f"/api/v1/letters/{rows['letter'].pk}"),
        "report detail": client.get(f"/api/v1/reports/{rows['report'].pk}"),
        "report export": client.get(f"/api/v1/reports/{rows['report'].pk}/json"),
        "ban protected persons": client.get(f"/api/v1/lookup/bans/{rows['ban'].pk}/protected-persons"),
    }
    got: dict[str, object] = {name: r.status_code for name, r in answers.items()}
    if board.status_code == 200:
        got["board"] = {incident.pk, device_incident.pk} <= _ids(board, "incidents")
        got["board hides"] = not ({incident.pk, device_incident.pk} & _ids(board, "incidents"))
    if devices.status_code == 200:
        got["devices"] = str(rows["device"]) in _ids(devices, "devices", "device_id")
    for name, path, key in (
        ("alert list", "/api/v1/alerts", "alert_id"),
        ("letter list", "/api/v1/letters", "id"),
        ("report list", "/api/v1/reports", "id"),
    ):
        listed = client.get(path)
        if listed.status_code == 200:
            wanted = {"alert list": str(rows["alert"].alert_id), "letter list": rows["letter"].pk}.get(name)
            got[name] = (wanted if wanted is not None else rows["report"].pk) in _ids(listed, "results", key)
    by_name = client.get("/api/v1/lookup", {"q": rows["person"].surname})
    if by_name.status_code == 200:
        got["lookup"] = rows["person"].pk in {r["person"]["id"] for r in by_name.json()["results"]}
    # The victim's phone, revealed by the incident's handler (the one rule: geofence.monitor.casework).
    Incident.objects.filter(pk=incident.pk).update(assigned_to=user)
    reveal = client.post(f"/monitor/api/incidents/{incident.pk}/victim/reveal/", {"purpose": "call"}, format="json")
    Incident.objects.filter(pk=incident.pk).update(assigned_to=None)
    got["victim phone"] = reveal.status_code
    if reveal.status_code == 200:
        got["victim phone"] = reveal.json()["revealed"]["phone"] == rows["victim"].phone
    return got


MONITOR = {Role.MONITORING_OPERATOR, Role.SUPERVISOR}
CASEWORK = {Role.MONITORING_OPERATOR, Role.SUPERVISOR, Role.REGISTRAR}
LOOKUP = {Role.MONITORING_OPERATOR, Role.SUPERVISOR, Role.REGISTRAR, Role.POLICE_OFFICER}


def expected(role: Role, membership, row_region) -> dict[str, object]:
    """Return what the role should get for a row of `row_region`, by the rules in docs/need-to-know.md."""
    sees = membership == row_region if role == Role.MONITORING_OPERATOR else True
    hidden = 404
    api_refused = 403

    def route(allowed: set, ok=200, refused=api_refused):
        if role not in allowed:
            return refused
        return ok if sees else hidden

    want = {
        "incident page": route(MONITOR),
        "incident json": route(MONITOR),
        "incident action": route(MONITOR),
        "device incident json": route(MONITOR),
        "alert detail": route(MONITOR),
        "letter detail": route(CASEWORK),
        "report detail": route(CASEWORK),
        "report export": route(CASEWORK),
        # Victims by ban: registrars and supervisors; an operator sees them only through an incident.
        "ban protected persons": 200 if role in {Role.REGISTRAR, Role.SUPERVISOR} else api_refused,
        "victim phone": route(MONITOR, ok=True),
    }
    if role in MONITOR:
        want |= {"board": sees, "board hides": not sees, "devices": sees, "alert list": sees}
    if role in CASEWORK:
        want |= {"letter list": sees, "report list": sees}
    if role in LOOKUP:
        want["lookup"] = sees
    return want


@pytest.mark.parametrize("membership", MEMBERSHIPS, ids=lambda r: r or "no-region")
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_role_in_region_sees_only_what_its_region_allows(regions_world, role, membership):
    user = _user(role, membership)
    client = APIClient()
    client.force_login(user)
    wrong = []
    for row_region in REGIONS:
        got = _reads(client, user, regions_world[row_region])
        want = expected(role, membership, row_region)
        wrong += [
            f"{row_region} {name}: got {got.get(name)!r}, want {value!r}"
            for name, value in want.items()
            if got.get(name) != value
        ]
    assert not wrong, "\n".join(wrong)


def test_only_operators_are_region_bound(users):
    bound = {name for name, user in users.items() if is_region_bound(user)}
    assert bound == {"carol"}


def test_an_operator_of_both_regions_sees_both(regions_world):
    user = _user(Role.MONITORING_OPERATOR, REGIONS[0])
    give_region(user, REGIONS[1])
    client = APIClient()
    client.force_login(user)
    for region in REGIONS:
        incident = regions_world[region]["incident"]
        assert client.get(f"/monitor/api/incidents/{incident.pk}/").status_code == 200


def test_a_ban_without_region_is_for_supervisors_only(db, users, client_for):
    vendor, _key = make_vendor("zonder-regio")
    ban = make_ban(region=None)
    device = make_device(vendor, person=ban.person)
    incident = Incident.objects.create(
        type=IncidentType.ZONE_VIOLATION, ban=ban, person=ban.person, device=device, opened_at=timezone.now()
    )
    assert client_for("carol").get(f"/monitor/api/incidents/{incident.pk}/").status_code == 404
    assert client_for("erin").get(f"/monitor/api/incidents/{incident.pk}/").status_code == 200
