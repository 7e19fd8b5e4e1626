"""A small, realistic world for the hardening tests: one user per role, two vendors and every kind of row.

Built through the real services and the real feed API, so incidents, alerts, letters and reports exist
and path parameters can name real objects. Shared by the role matrix, the leak test and the API fuzzing
(tests/hardening and bench/fuzz_api.py).
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.models import Group, User
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from geofence.alerts.models import AlertOutbox
from geofence.models import Incident, IncidentType
from geofence.reports.models import ReportBasis
from geofence.reports.services import draft_report
from geofence.testing import fix, give_region, make_ban, make_device, make_person, make_vendor, offset
from registry.importer import import_file
from registry.letters.models import VictimNotice
from registry.letters.services import generate_all_due
from registry.models import Ban, ProtectedPerson
from registry.roles import Role

# Invented, distinctive strings: if any of them shows up in a response to a role that may not see
# protected persons, that response leaks.
SECRET_HOME = (52.3731, 4.8922)
PROTECTED = {
    "given_names": "Wilhelmina-Zeldzaam",
    "surname": "Quispelhoorn",
    "phone": "+31 6 98765432",
    "email": "w.quispelhoorn@voorbeeld.invalid",
    "street": "Kwartelkoningstraat 777",
    "postcode": "9999 ZZ",
    "city": "Verzinselwoude",
}
SECRET_STRINGS = [*PROTECTED.values(), f"{SECRET_HOME[0]:.4f}", f"{SECRET_HOME[1]:.4f}"]

# Role name -> the banwatch role its user holds (None: no group; the admin is a superuser).
USER_ROLES = {
    "registrar": Role.REGISTRAR,
    "officer": Role.POLICE_OFFICER,
    "operator": Role.MONITORING_OPERATOR,
    "supervisor": Role.SUPERVISOR,
    "dispatch": Role.POLICE_DISPATCH,
    "admin": None,
}
VENDORS = ("vendor_a", "vendor_b")
ROLES = ("anonymous", *USER_ROLES, *VENDORS)
# Who may see a protected person (registry.roles.ROLES_SEEING_PROTECTED_PERSONS; a superuser holds every role).
SEES_PROTECTED = frozenset({"registrar", "operator", "supervisor", "admin"})


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    vendor_keys: dict[str, str] = field(default_factory=dict)
    ids: dict[str, object] = field(default_factory=dict)

    def auth_headers(self, role: str) -> dict[str, str]:
        """Return the Authorization header a role sends to the API (empty for anonymous)."""
        if role in self.tokens:
            return {"Authorization": f"Token {self.tokens[role]}"}
        if role in self.vendor_keys:
            return {"Authorization": f"Api-Key {self.vendor_keys[role]}"}
        return {}

    def client(self, role: str) -> APIClient:
        """Return a client as the role: a logged-in session for people, the API key for vendors."""
        client = APIClient()
        if role in self.users:
            client.force_login(self.users[role])
        elif role in self.vendor_keys:
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {self.vendor_keys[role]}")
        return client


def _make_users(world: World) -> None:
    for name, role in USER_ROLES.items():
        if role is None:
            user = User.objects.create_superuser(f"hw-{name}", password=f"password-{name}")
        else:
            user = User.objects.create_user(f"hw-{name}", password=f"password-{name}")
            user.groups.add(Group.objects.get_or_create(name=role.value)[0])
            if role == Role.MONITORING_OPERATOR:
                give_region(user)  # the region of the world's ban (geofence.testing.make_ban)
        world.users[name] = user
        world.tokens[name] = AuthToken.objects.create(user=user)[1]


def build_world(capture: Callable = contextlib.nullcontext) -> World:
    """Seed the database and return who is who and the ids of the rows made.

    `capture()` wraps each feed post so its on-commit work (evaluation, alerts) runs: pytest-django's
    `django_capture_on_commit_callbacks(execute=True)` inside a test, nothing outside one.
    """
    world = World()
    _make_users(world)
    vendor_a, world.vendor_keys["vendor_a"] = make_vendor("hw-vendor-a")
    vendor_b, world.vendor_keys["vendor_b"] = make_vendor("hw-vendor-b")
    victim = ProtectedPerson.objects.create(
        **PROTECTED, date_of_birth=date(1990, 2, 3), home_lat=SECRET_HOME[0], home_lon=SECRET_HOME[1]
    )
    subject = make_person()
    ban = make_ban(subject, centre=SECRET_HOME, protected=[victim], valid_from=timezone.now() - timedelta(days=30))
    # A registrar's free text may name the street; only roles that see protected persons may read it.
    Ban.objects.filter(pk=ban.pk).update(zone_description=f"5 km rond {PROTECTED['street']}")
    device_a = make_device(vendor_a, "HW-A-0001", person=subject, since=timezone.now() - timedelta(days=30))
    device_b = make_device(vendor_b, "HW-B-0001", person=make_person())
    _walk_into_zone(world, device_a.device_id, capture)
    incident = Incident.objects.filter(ban=ban, type=IncidentType.ZONE_VIOLATION).order_by("pk").first()
    report, _ = draft_report(incident, world.users["operator"], ReportBasis.OPERATOR_CONFIRMED, "gezien")
    generate_all_due(world.users["registrar"])
    batch = import_file(b"[]", filename="leeg.json", user=world.users["registrar"])
    world.ids.update(
        person=subject.pk,
        person_surname=subject.surname,
        protected=victim.pk,
        decision=ban.decision_id,
        ban=ban.pk,
        device_a=device_a.device_id,
        device_b=device_b.device_id,
        device_pk=device_a.pk,
        assignment=device_a.assignments.get().pk,
        incident=incident.pk,
        alert=str(AlertOutbox.objects.filter(incident_id=incident.pk).order_by("created_at").first().alert_id),
        letter=VictimNotice.objects.filter(ban=ban).order_by("pk").first().pk,
        report=report.pk,
        batch=batch.pk,
    )
    return world


def _walk_into_zone(world: World, device: str, capture: Callable) -> None:
    """Post fixes that walk vendor A's subject into the victim's zone, and a strap tamper event."""
    start = datetime.now(UTC) - timedelta(minutes=20)
    fixes = [
        fix(device, start + timedelta(minutes=i), *offset(*SECRET_HOME, d, bearing_deg=90))
        for i, d in enumerate([7000, 6000, 4000, 3000, 2500])
    ]
    event = {"device": device, "ts": (start + timedelta(minutes=6)).isoformat(), "type": "strap_tamper"}
    client = world.client("vendor_a")
    with capture():
        answer = client.post("/api/v1/feeds/positions", {"fixes": fixes}, format="json")
    assert answer.status_code == 202, answer.content
    with capture():
        answer = client.post("/api/v1/feeds/events", {"events": [event]}, format="json")
    assert answer.status_code == 202, answer.content
