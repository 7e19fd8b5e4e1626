"""The drill's world: who and where each scenario's people, devices and bans are, and the ban bodies to POST.

`build_world` runs in the drill's own process (Django set up against the drill's database) before the stack
starts: it creates the vendor and its key, a registrar with an API token, an operator with a password, and per
scenario its subjects (persons with a decision and an ankle monitor) and victims (protected persons, some with a
victim unit). Bans are not created here: the registrar POSTs them (`ban_body`), before the story or during it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from drill_model import Ban, Pos, Scenario, Window
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
OPERATOR_PASSWORD = "drill-operator-password"  # noqa: S105 - a throwaway user in the drill's own database


def move(lat: float, lon: float, pos: Pos) -> tuple[float, float]:
    """Return the point `pos.metres` from (lat, lon) along `pos.bearing`, on WGS84."""
    lon2, lat2, _ = GEOD.fwd(lon, lat, pos.bearing, pos.metres)
    return round(lat2, 9), round(lon2, 9)


def scenario_centre(index: int) -> tuple[float, float]:
    """Spread the scenarios over the Netherlands, 15-25 km apart (each subject has only its own zones)."""
    return 51.45 + (index % 12) * 0.15, 4.3 + (index // 12) * 0.35


@dataclass
class Placed:
    """One scenario's ids and places in the drill's database."""

    scenario: Scenario
    index: int
    centre: tuple[float, float]
    persons: dict[str, int] = field(default_factory=dict)  # subject key -> person id
    names: dict[str, str] = field(default_factory=dict)  # subject key -> full name (the board shows it)
    decisions: dict[str, int] = field(default_factory=dict)  # ban key -> decision id
    victims: dict[str, int] = field(default_factory=dict)  # victim key -> protected person id
    devices: dict[str, str] = field(default_factory=dict)  # subject or victim key -> vendor device id
    bans: dict[str, int] = field(default_factory=dict)  # ban key -> ban id, once saved
    window_starts: dict[str, float] = field(default_factory=dict)  # ban key -> epoch of its window's start

    def ban_centre(self, key: str) -> tuple[float, float]:
        spec = self.scenario.bans[key]
        return move(*self.centre, spec.centre) if spec.centre else self.centre

    def home(self, key: str) -> tuple[float, float]:
        spec = self.scenario.victims.get(key)
        return move(*self.centre, spec.home) if spec and spec.home else self.centre

    def point(self, pos: Pos) -> tuple[float, float]:
        origin = self.ban_centre(pos.ref) if pos.ref in self.scenario.bans else self.home(pos.ref)
        return move(*origin, pos)


@dataclass
class World:
    key: str  # the vendor's API key
    token: str  # the registrar's API token
    operator: str  # the operator's username (password OPERATOR_PASSWORD)
    placed: list[Placed]
    operator_totp_key: str = ""  # hex key of the operator's authenticator: the second factor at sign-in


def build_world(scenarios: list[Scenario], assigned_since: datetime) -> World:
    """Create vendor, users, persons, victims and devices for the scenarios; return their ids."""
    from django.contrib.auth.models import Group, User
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from knox.models import AuthToken

    from geofence.testing import make_device, make_vendor
    from registry.roles import Role

    vendor, key = make_vendor("drill")
    registrar = User.objects.create_user("drill-registrar")
    registrar.groups.add(Group.objects.get_or_create(name=Role.REGISTRAR)[0])
    operator = User.objects.create_user("drill-operator", password=OPERATOR_PASSWORD)
    operator.groups.add(Group.objects.get_or_create(name=Role.MONITORING_OPERATOR)[0])
    # The drill's bans come through the registrar API, which sets no monitoring region: only a supervisor
    # sees a ban without one (registry/regions.py), so the drill's operator watches as one.
    operator.groups.add(Group.objects.get_or_create(name=Role.SUPERVISOR)[0])
    _row, token = AuthToken.objects.create(user=registrar)
    authenticator = TOTPDevice.objects.create(user=operator, name="drill", confirmed=True)
    placed = []
    for index, scenario in enumerate(scenarios):
        here = Placed(scenario, index, scenario_centre(index))
        _people(here, vendor, assigned_since, make_device)
        placed.append(here)
    return World(key, token, operator.username, placed, authenticator.key)


def _people(here: Placed, vendor, since: datetime, make_device) -> None:
    from registry.models import Authority, Decision, LegalBasis, Person, ProtectedPerson

    tag = f"{here.index:03d}"
    for subject in here.scenario.subjects:
        person = Person(given_names="Oefen", surname=f"Drill-{tag}-{subject}", date_of_birth=date(1984, 2, 29))
        person.refresh_keys()
        person.save()
        here.persons[subject], here.names[subject] = person.pk, person.full_name
        here.devices[subject] = make_device(vendor, f"DR{tag}-{subject}", person=person, since=since).device_id
    for ban_key, spec in here.scenario.bans.items():
        decision = Decision.objects.create(
            person_id=here.persons[spec.subject],
            authority=Authority.OM,
            legal_basis=LegalBasis.GEDRAGSAANWIJZING,
            reference=f"DRILL-{tag}-{ban_key}",
            decision_date=date(2026, 1, 1),
            electronic_monitoring=True,
            sash_risk=spec.risk,
        )
        here.decisions[ban_key] = decision.pk
    for victim_key, spec in sorted(here.scenario.victims.items()):
        lat, lon = here.home(victim_key)
        protected = ProtectedPerson.objects.create(
            given_names="Beschermd", surname=f"Drill-{tag}-{victim_key}", home_lat=lat, home_lon=lon
        )
        here.victims[victim_key] = protected.pk
        if spec.unit:
            device = make_device(vendor, f"DR{tag}-{victim_key}", protected_person=protected, since=since)
            here.devices[victim_key] = device.device_id


def ban_body(here: Placed, key: str, start: float, valid_from: datetime) -> dict:
    """Return the POST /api/v1/bans body of the scenario's ban, its window placed relative to `start`."""
    spec: Ban = here.scenario.bans[key]
    body = {
        "decision": here.decisions[key],
        "person": here.persons[spec.subject],
        "kind": spec.kind,
        "status": "active",
        "valid_from": valid_from.isoformat(),
        # A gedragsaanwijzing runs 90 days at most (docs/legal-bases.md).
        "valid_until": (valid_from + timedelta(days=60)).isoformat(),
        "zone_description": "oefenzone",
        "protected_persons": [here.victims[v] for v in spec.victims],
        "reason": "detectie-oefening",
    }
    lat, lon = here.ban_centre(key)
    if spec.shape == "circle":
        body.update(zone_shape="circle", centre_lat=lat, centre_lon=lon)
        if spec.radius_m is not None:
            body["radius_m"] = spec.radius_m
    elif spec.shape == "polygon":
        body.update(zone_shape="polygon", zone_geojson=square(lat, lon, spec.half_side_m))
    if spec.window is not None:
        windows, here.window_starts[key] = time_window(spec.window, start)
        body["time_windows"] = windows
    return body


def square(lat: float, lon: float, half_side_m: float) -> dict:
    """Return a GeoJSON square whose edges run along parallels and meridians `half_side_m` from the centre."""
    north, _ = move(lat, lon, Pos(half_side_m, 0))
    south, _ = move(lat, lon, Pos(half_side_m, 180))
    _, east = move(lat, lon, Pos(half_side_m, 90))
    _, west = move(lat, lon, Pos(half_side_m, 270))
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def time_window(window: Window, start: float) -> tuple[list[dict], float]:
    """Return the ban's weekly window (Europe/Amsterdam wall clock) and the epoch second it opens."""
    if window.how == "around":
        opens, closes = _minute(start - 3600, up=False), _minute(start + 3 * 3600, up=True)
    elif window.how == "opens":
        opens = _minute(start + window.after, up=True)
        closes = opens + 2 * 3600
    elif window.how == "closes":
        opens, closes = _minute(start - 3600, up=False), _minute(start + window.after, up=True)
    else:  # later
        opens = _minute(start + 3 * 3600, up=True)
        closes = opens + 3600
    local_open, local_close = _local(opens), _local(closes)
    spec = {"days": [local_open.weekday()], "start": f"{local_open:%H:%M}", "end": f"{local_close:%H:%M}"}
    return [spec], opens


def _minute(epoch: float, up: bool) -> float:
    return (math.ceil(epoch / 60) if up else math.floor(epoch / 60)) * 60.0


def _local(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC).astimezone(AMSTERDAM)


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def hours_ago(hours: float) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)
