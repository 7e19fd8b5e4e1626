"""Every role allowed a registrar endpoint succeeds with a valid request.

Refusals (anonymous 401, other roles 403) and the rule that every route has a rule are checked for all
routes by tests/hardening/test_role_matrix.py; this file adds the valid bodies and the success codes.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registry import services
from registry.models import Ban, BanKind, BanStatus

AMS = ZoneInfo("Europe/Amsterdam")
ROLES = ["alice", "bob", "carol", "dave", "erin", "frank"]  # registrar, police, operator, feed, supervisor, dispatch
SEED = Path(__file__).resolve().parents[2] / "seeds" / "decisions" / "om_decisions.json"


class Objects:
    """Rows a route needs, created on first use; ids only."""

    def __init__(self, users):
        self.user = users["alice"]
        self._cache: dict[str, Any] = {}

    def _get(self, name, make):
        if name not in self._cache:
            self._cache[name] = make()
        return self._cache[name]

    @property
    def person(self) -> int:
        return self._get("person", lambda: services.create_person(user=self.user, given_names="M", surname="Atrix")).pk

    @property
    def protected(self) -> int:
        make = lambda: services.create_protected_person(user=self.user, given_names="B", surname="Eschermd")  # noqa: E731
        return self._get("protected", make).pk

    @property
    def decision(self) -> int:
        def make():
            return services.create_decision(
                user=self.user,
                person_id=self.person,
                authority="court",
                legal_basis="schorsing_voorlopige_hechtenis",
                reference="MATRIX/1",
                decision_date=date(2026, 1, 1),
            )

        return self._get("decision", make).pk

    def ban_in(self, status: str = BanStatus.ACTIVE) -> int:
        def make():
            ban = services.create_ban(
                user=self.user,
                decision=services.Decision.objects.get(pk=self.decision),
                person=services.Person.objects.get(pk=self.person),
                kind=BanKind.AREA,
                valid_from=datetime(2026, 1, 2, tzinfo=AMS),
                centre_lat=52.0,
                centre_lon=5.0,
            )
            Ban.objects.filter(pk=ban.pk).update(status=status)
            return ban

        return self._get(f"ban-{status}", make).pk

    @property
    def ban(self) -> int:
        return self.ban_in(BanStatus.ACTIVE)

    @property
    def batch(self) -> int:
        from registry.importer import import_file

        return self._get("batch", lambda: import_file(b"[]", filename="leeg.json", user=self.user)).pk


REGISTRAR = {"alice"}
READERS = {"alice", "erin"}
EVERYONE = set(ROLES)


@dataclass(frozen=True)
class Route:
    name: str  # URL name, as reverse() knows it
    method: str
    path: Any  # Objects -> str
    allowed: set[str]
    success: int = 200
    body: Any = None  # Objects -> dict
    format: str = "json"
    params: dict = field(default_factory=dict)


def person_body(o):
    return {"given_names": "Nieuw", "surname": "Persoon", "reason": "matrix"}


def decision_body(o):
    return {
        "person": o.person,
        "authority": "om",
        "legal_basis": "strafbeschikking",
        "reference": "MATRIX/2",
        "decision_date": "2026-02-01",
        "reason": "matrix",
    }


def ban_body(o):
    return {
        "decision": o.decision,
        "person": o.person,
        "kind": "area",
        "valid_from": "2026-02-01T00:00",
        "centre_lat": 52.1,
        "centre_lon": 5.1,
        "reason": "matrix",
    }


def reason(o):
    return {"reason": "matrix"}


def upload(o):
    return {"file": SimpleUploadedFile("om_decisions.json", SEED.read_bytes(), "application/json")}


def crud(prefix: str, basename: str, obj: str, body, readers: set[str]) -> list[Route]:
    detail = lambda o: f"/api/v1/{prefix}/{getattr(o, obj)}/"  # noqa: E731
    return [
        Route(f"{basename}-list", "get", lambda o: f"/api/v1/{prefix}/", readers),
        Route(f"{basename}-list", "post", lambda o: f"/api/v1/{prefix}/", REGISTRAR, 201, body),
        Route(f"{basename}-detail", "get", detail, readers),
        Route(f"{basename}-detail", "put", detail, REGISTRAR, 200, body),
        Route(f"{basename}-detail", "patch", detail, REGISTRAR, 200, reason),
        Route(f"{basename}-history", "get", lambda o: f"/api/v1/{prefix}/{getattr(o, obj)}/history/", readers),
    ]


def lifecycle(prefix: str, basename: str, obj_for_status) -> list[Route]:
    start = {"activate": "pending", "suspend": "active", "reinstate": "suspended", "revoke": "active", "end": "active"}
    return [
        Route(
            f"{basename}-{action}",
            "post",
            lambda o, a=action, s=status: f"/api/v1/{prefix}/{obj_for_status(o, s)}/{a}/",
            REGISTRAR,
            200,
            reason,
        )
        for action, status in start.items()
    ]


def decision_with_ban_in(o, status):
    o.ban_in(status)
    return o.decision


ROUTES = [
    Route("api-root", "get", lambda o: "/api/v1/", EVERYONE),
    *crud("persons", "person", "person", person_body, READERS),
    *crud("protected-persons", "protected-person", "protected", person_body, READERS),
    *crud("decisions", "decision", "decision", decision_body, READERS),
    *crud("bans", "ban", "ban", ban_body, READERS),
    *lifecycle("bans", "ban", lambda o, s: o.ban_in(s)),
    *lifecycle("decisions", "decision", decision_with_ban_in),
    Route("import-list", "get", lambda o: "/api/v1/imports/", READERS),
    Route("import-list", "post", lambda o: "/api/v1/imports", REGISTRAR, 202, upload, "multipart"),
    Route("import-detail", "get", lambda o: f"/api/v1/imports/{o.batch}/", READERS),
    Route("import-rejected", "get", lambda o: f"/api/v1/imports/{o.batch}/rejected", READERS),
]
CASES = [(route, who) for route in ROUTES for who in sorted(route.allowed)]


@pytest.mark.parametrize(("route", "who"), CASES, ids=[f"{r.method}-{r.name}-{w}" for r, w in CASES])
def test_allowed_role_succeeds(route, who, users, client_for):
    objects = Objects(users)
    path = route.path(objects)
    body = route.body(objects) if route.body else None
    response = getattr(client_for(who), route.method)(path, body, format=route.format)
    assert response.status_code == route.success, (path, response.content[:300])


def test_put_body_replaces_whole_object(users, client_for):
    objects = Objects(users)
    response = client_for("alice").put(f"/api/v1/bans/{objects.ban}/", ban_body(objects), format="json")
    assert response.status_code == 200
    assert response.json()["centre_lat"] == 52.1
