"""No series of police messages locates the protected home: trilateration from them misses by more than 1 km.

For many random homes an incident is played out as dispatch would see it:
the subject approaches through the 5 km zone (fixes at and inside the edge),
and the opening, escalation and closing messages are built as the police
queue gets them. An attacker then takes every distance-like figure from the
messages (distances, bands, arrival times turned into metres) with the
position it came with, and solves for the home by least squares. The attack
itself is checked on messages that still carry the exact distance.

The nearest place in `last_fix.place` is a distance to a public place, computed
from the subject's own position alone (checked below): it says nothing of the
home that the coordinates beside it do not, so the attacker reads past it.
"""

import math
import random
import re
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone, translation

from geofence.alerts.message import build_alert_message
from geofence.models import DeviceStatus, Fix, Incident, IncidentType
from geofence.places.nearest import nearest_place
from geofence.places.words import place_fields
from geofence.testing import make_ban, make_device, make_protected, make_vendor, offset

pytestmark = pytest.mark.django_db

HOMES = 40
RADIUS_M = 5000.0
WALKING_MPS = 1.4
DISTANCE_KEY = re.compile(r"dist|proxim|radius|band|range|eta", re.IGNORECASE)
BAND = re.compile(r"(?:(\d+(?:[.,]\d+)?)\s*[-–]\s*)?(?:[<>]\s*)?(\d+(?:[.,]\d+)?)\s*(km|m)\b")


def geodesic_m(a, b) -> float:
    from pyproj import Geod

    return Geod(ellps="WGS84").inv(a[1], a[0], b[1], b[0])[2]


def incident_series(home, rng) -> tuple[list[dict], list[float]]:
    """Return the messages of one incident (opened, escalated, closed) and the true distance of each fix."""
    vendor, _key = make_vendor()
    victim = make_protected(home)
    ban = make_ban(centre=home, risk=rng.choice(["high", "medium", "low"]), protected=[victim])
    device = make_device(vendor, person=ban.person)
    bearing = rng.uniform(0, 360)
    # Entering at the edge, wandering inside (a few hundred metres to 4 km from home), then leaving.
    path = [
        offset(*home, RADIUS_M - rng.uniform(5, 40), bearing),
        offset(*home, rng.uniform(300, 4000), bearing + rng.uniform(-60, 60)),
        offset(*home, rng.uniform(300, 4500), bearing + rng.uniform(-120, 120)),
        offset(*home, RADIUS_M + rng.uniform(5, 40), bearing + rng.uniform(-90, 90)),
    ]
    start = timezone.now() - timedelta(minutes=30)
    incident = Incident.objects.create(
        type=IncidentType.ZONE_VIOLATION, ban=ban, person=ban.person, device=device, opened_at=start, priority=2
    )
    messages, truths = [], []
    for step, (position, change) in enumerate(zip(path, ["opened", "escalated", "escalated", "closed"], strict=True)):
        at = start + timedelta(minutes=5 * step)
        fix = Fix.objects.create(device=device, ts=at, lat=position[0], lon=position[1], accuracy_m=8, received_at=at)
        DeviceStatus.objects.update_or_create(device=device, defaults={"last_fix": fix, "last_fix_at": at})
        distance = geodesic_m(position, home)
        incident.last_fix, incident.definite = fix, step > 0
        incident.closest_distance_m = min(distance, incident.closest_distance_m or math.inf)
        incident.eta_min = distance / WALKING_MPS / 60
        messages.append(build_alert_message(incident, change))
        truths.append(distance)
    return messages, truths


def distance_figures(value, key: str = ""):
    """Yield every distance in metres the message states, under any key that names a distance or arrival time."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k != "place":  # the distance to a named public place, from the fix alone
                yield from distance_figures(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from distance_figures(v, key)
    elif DISTANCE_KEY.search(key) and isinstance(value, int | float) and not isinstance(value, bool):
        yield value * 60 * WALKING_MPS if "eta" in key.lower() else value
    elif DISTANCE_KEY.search(key) and isinstance(value, str) and (band := BAND.search(value)):
        low, high, unit = band.groups()
        scale = 1000.0 if unit == "km" else 1.0
        numbers = [float(n.replace(",", ".")) * scale for n in (low, high) if n]
        yield sum(numbers) / len(numbers)


def anchors(messages: list[dict]) -> list[tuple[tuple[float, float], float]]:
    """Return (position, distance) pairs: each stated distance with the position of its message."""
    found = []
    for message in messages:
        fix = message.get("last_fix")
        if fix:
            found += [((fix["lat"], fix["lon"]), d) for d in distance_figures(message)]
    return found


def trilaterate(pairs) -> tuple[float, float] | None:
    """Return the least-squares point whose distances best match the pairs (Gauss-Newton), or None below three."""
    if len(pairs) < 3:
        return None
    lat0 = np.mean([p[0][0] for p in pairs])
    lon0 = np.mean([p[0][1] for p in pairs])
    per_deg = (111_320.0, 111_320.0 * math.cos(math.radians(lat0)))
    xy = np.array([((p[0][1] - lon0) * per_deg[1], (p[0][0] - lat0) * per_deg[0]) for p in pairs])
    d = np.array([p[1] for p in pairs])
    best = None
    for start in xy + np.array([1.0, 1.0]):  # several starts: the problem can have two minima
        x = start.astype(float)
        for _ in range(100):
            diff = x - xy
            r = np.maximum(np.hypot(diff[:, 0], diff[:, 1]), 1e-6)
            jacobian, residual = diff / r[:, None], r - d
            step, *_ = np.linalg.lstsq(jacobian, -residual, rcond=None)
            x = x + step
            if np.hypot(*step) < 0.01:
                break
        cost = float(np.sum((np.hypot(*(x - xy).T) - d) ** 2))
        best = (cost, x) if best is None or cost < best[0] else best
    x = best[1]
    return lat0 + x[1] / per_deg[0], lon0 + x[0] / per_deg[1]


def random_homes(n: int, seed: int):
    rng = random.Random(seed)
    return rng, [(rng.uniform(51.5, 53.2), rng.uniform(4.2, 6.8)) for _ in range(n)]


def test_trilateration_locates_the_home_when_messages_carry_the_exact_distance():
    rng, homes = random_homes(8, seed=7)
    for home in homes:
        messages, truths = incident_series(home, rng)
        leaky = [m | {"proximity": {"distance_m": t}} for m, t in zip(messages, truths, strict=True) if m["last_fix"]]

        estimate = trilaterate(anchors(leaky))

        assert estimate is not None and geodesic_m(estimate, home) < 50


def test_the_nearest_place_follows_from_the_subjects_position_alone():
    rng, homes = random_homes(3, seed=11)
    for home in homes:
        messages, _truths = incident_series(home, rng)
        for message in (m for m in messages if m["last_fix"]):
            fix = message["last_fix"]
            with translation.override("nl"):
                assert fix["place"] == place_fields(nearest_place(fix["lat"], fix["lon"]))


def test_no_series_of_police_messages_locates_the_home_within_1_km():
    rng, homes = random_homes(HOMES, seed=2026)
    misses = []
    for home in homes:
        messages, _truths = incident_series(home, rng)
        assert len(messages) >= 3 and sum(1 for m in messages if m["last_fix"]) >= 3

        estimate = trilaterate(anchors(messages))

        misses.append(math.inf if estimate is None else geodesic_m(estimate, home))
        text = str(messages)
        assert f"{home[0]:.3f}" not in text or f"{home[1]:.3f}" not in text, "the home's coordinates are in a message"
    assert min(misses) > 1000, sorted(misses)[:5]
