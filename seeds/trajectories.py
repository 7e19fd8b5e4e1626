"""Synthetic ankle-monitor trajectories: paths, speed profiles, GPS noise, outages, batches.

Pure (numpy and pyproj, no Django) so that tests and benchmarks can use it
without a database. Times are seconds from the start of a scenario; the
simulator maps them onto the clock when it sends.

The model, from the ground up:
- a person moves along a polyline of waypoints (a `Leg`) on foot, by bike or
  by car, with a speed profile: accelerate, cruise with slow variation, slow
  down for turns, stop at the end;
- the ankle monitor records a fix every `interval_s`, with a reported
  accuracy that degrades in spells (buildings, indoors), and a position error
  that is correlated in time and scales with that accuracy;
- the vendor's platform uploads fixes in batches; during a network outage it
  stores them and forwards them afterwards; a batch can arrive late (after
  newer ones) or twice (a retry after a lost answer).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
LatLon = tuple[float, float]

# A reported accuracy is the radius holding 68 % of fixes (the Android convention);
# for a circular 2-D Gaussian that radius is sqrt(-2 ln 0.32) = 1.51 standard deviations.
ACCURACY_PER_SIGMA = math.sqrt(-2.0 * math.log(0.32))


@dataclass(frozen=True)
class Mode:
    """How a person moves: cruising speed, its spread, acceleration, speed through a sharp turn."""

    name: str
    cruise_mps: float
    spread: float  # relative standard deviation of the cruising speed
    accel_mps2: float
    turn_mps: float


WALKING = Mode("walking", cruise_mps=1.4, spread=0.08, accel_mps2=0.5, turn_mps=1.1)
CYCLING = Mode("cycling", cruise_mps=4.5, spread=0.10, accel_mps2=0.8, turn_mps=2.5)
DRIVING = Mode("driving", cruise_mps=13.0, spread=0.12, accel_mps2=1.5, turn_mps=5.0)  # town roads, 50 km/h


@dataclass(frozen=True)
class Leg:
    """A stretch travelled in one mode along waypoints (lat, lon), then `pause_s` standing still."""

    mode: Mode
    waypoints: tuple[LatLon, ...]
    pause_s: float = 0.0


@dataclass(frozen=True)
class Point:
    """Where the person truly is at time t."""

    t: float
    lat: float
    lon: float
    speed_mps: float
    heading_deg: float


@dataclass(frozen=True)
class Fix:
    """What the ankle monitor reports: a noisy position with its accuracy."""

    t: float
    lat: float
    lon: float
    accuracy_m: float
    speed_mps: float
    heading_deg: float
    true_lat: float = field(default=0.0, compare=False)
    true_lon: float = field(default=0.0, compare=False)


@dataclass(frozen=True)
class Batch:
    """Fixes the vendor platform uploads together at `send_t`."""

    send_t: float
    fixes: tuple[Fix, ...]
    late: bool = False
    duplicate: bool = False


def simulate(legs: Sequence[Leg], *, interval_s: float, rng: np.random.Generator, step_s: float = 1.0) -> list[Point]:
    """Return the true positions every `interval_s` along the legs, starting at t = 0.

    Each leg starts where the previous one ended: nobody teleports between legs.
    """
    samples: list[Point] = []
    t = 0.0
    for leg in _connected(legs):
        leg_points = _move_along(leg, rng, step_s)
        samples.extend(replace(p, t=p.t + t) for p in leg_points)
        t += leg_points[-1].t + step_s
        if leg.pause_s > 0:
            last = leg_points[-1]
            samples.extend(
                Point(t + s, last.lat, last.lon, 0.0, last.heading_deg) for s in np.arange(0.0, leg.pause_s, step_s)
            )
            t += leg.pause_s
    return resample(samples, interval_s)


def _connected(legs: Sequence[Leg]) -> list[Leg]:
    out = list(legs[:1])
    for leg in legs[1:]:
        end = out[-1].waypoints[-1]
        if distance_m(end, leg.waypoints[0]) > 1.0:
            leg = replace(leg, waypoints=(end, *leg.waypoints))
        out.append(leg)
    return out


def resample(points: Sequence[Point], interval_s: float) -> list[Point]:
    """Return the points nearest each multiple of `interval_s` (points are `step_s` apart)."""
    out: list[Point] = []
    next_t = 0.0
    for point in points:
        if point.t + 1e-9 >= next_t:
            out.append(replace(point, t=next_t))
            next_t += interval_s
    return out


def _move_along(leg: Leg, rng: np.random.Generator, step_s: float) -> list[Point]:
    path = _Polyline(leg.waypoints)
    limits = _corner_speeds(path, leg.mode)
    s, v, t = 0.0, 0.0, 0.0
    factor = 1.0  # slowly varying multiplier on the cruising speed
    points = [path.point_at(0.0, t, 0.0)]
    while s < path.length - 1e-6:
        factor = 1.0 + 0.9 * (factor - 1.0) + rng.normal(0.0, leg.mode.spread * math.sqrt(1 - 0.81))
        target = min(leg.mode.cruise_mps * max(factor, 0.5), _braking_limit(path, limits, s, leg.mode))
        v = min(target, v + leg.mode.accel_mps2 * step_s) if target > v else max(target, 0.3)
        moved = min(path.length - s, v * step_s)
        s, t = s + moved, t + step_s
        points.append(path.point_at(s, t, moved / step_s))
    return points


def _corner_speeds(path: _Polyline, mode: Mode) -> list[float]:
    """Return the highest speed at each waypoint: slow for sharp turns, zero at the end."""
    limits = [mode.cruise_mps]
    for i in range(1, len(path.azimuths)):
        turn = abs((path.azimuths[i] - path.azimuths[i - 1] + 180.0) % 360.0 - 180.0)
        share = min(turn, 90.0) / 90.0
        limits.append(mode.cruise_mps - share * (mode.cruise_mps - mode.turn_mps))
    limits.append(0.0)
    return limits


def _braking_limit(path: _Polyline, limits: list[float], s: float, mode: Mode) -> float:
    """Return the speed from which the person can still slow to every coming corner's limit."""
    best = math.inf
    for i, at in enumerate(path.cumulative):
        if at > s:
            best = min(best, math.sqrt(limits[i] ** 2 + 2.0 * mode.accel_mps2 * (at - s)))
    return max(best, 0.3)


class _Polyline:
    """A path of geodesic segments, addressable by distance along it."""

    def __init__(self, waypoints: Sequence[LatLon]) -> None:
        if len(waypoints) < 2:
            raise ValueError("a leg needs at least two waypoints")
        lats = [p[0] for p in waypoints]
        lons = [p[1] for p in waypoints]
        az, _, dist = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
        self.waypoints = list(waypoints)
        self.azimuths = [float(a) for a in np.atleast_1d(az)]
        self.lengths = [float(d) for d in np.atleast_1d(dist)]
        self.cumulative = [0.0, *np.cumsum(self.lengths).tolist()]
        self.length = self.cumulative[-1]

    def point_at(self, s: float, t: float, speed: float) -> Point:
        i = min(int(np.searchsorted(self.cumulative, s, side="right")) - 1, len(self.lengths) - 1)
        lat0, lon0 = self.waypoints[i]
        lon, lat, back = GEOD.fwd(lon0, lat0, self.azimuths[i], s - self.cumulative[i])
        heading = (back + 180.0) % 360.0
        return Point(t, float(lat), float(lon), float(speed), float(heading))


@dataclass(frozen=True)
class AccuracyModel:
    """Reported accuracy: good most of the time, degraded in spells (indoors, between buildings)."""

    good_m: float = 6.0
    poor_m: float = 45.0
    spell_start_probability: float = 0.03  # per fix
    spell_fixes: tuple[int, int] = (3, 12)

    def series(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Return n accuracies in metres."""
        out = np.empty(n)
        remaining = 0
        for i in range(n):
            if remaining == 0 and rng.random() < self.spell_start_probability:
                remaining = int(rng.integers(self.spell_fixes[0], self.spell_fixes[1] + 1))
            base = self.poor_m if remaining > 0 else self.good_m
            remaining = max(remaining - 1, 0)
            out[i] = base * float(rng.lognormal(0.0, 0.25))
        return np.round(out, 1)


def add_gps_noise(
    points: Sequence[Point],
    *,
    rng: np.random.Generator,
    accuracy: AccuracyModel | Sequence[float] = AccuracyModel(),
    correlation_s: float = 30.0,
) -> list[Fix]:
    """Return fixes: each point displaced by an error that scales with its reported accuracy.

    GPS errors drift rather than jump, so the error is a unit-variance AR(1)
    process with time constant `correlation_s`, scaled by each fix's sigma.
    """
    n = len(points)
    acc = accuracy.series(n, rng) if isinstance(accuracy, AccuracyModel) else np.asarray(accuracy, dtype=float)
    if acc.shape != (n,):
        raise ValueError(f"need {n} accuracies, got {acc.shape}")
    fixes = []
    z = rng.normal(size=2)
    for i, point in enumerate(points):
        if i:
            rho = math.exp(-max(point.t - points[i - 1].t, 0.0) / correlation_s)
            z = rho * z + math.sqrt(1.0 - rho * rho) * rng.normal(size=2)
        east, north = z * acc[i] / ACCURACY_PER_SIGMA
        lat, lon = offset(point.lat, point.lon, east, north)
        fixes.append(Fix(point.t, lat, lon, float(acc[i]), point.speed_mps, point.heading_deg, point.lat, point.lon))
    return fixes


def offset(lat: float, lon: float, east_m: float, north_m: float) -> LatLon:
    """Return the point east_m and north_m away (geodesic, exact enough for metres)."""
    distance = math.hypot(east_m, north_m)
    if distance == 0.0:
        return lat, lon
    lon2, lat2, _ = GEOD.fwd(lon, lat, math.degrees(math.atan2(east_m, north_m)), distance)
    return float(lat2), float(lon2)


def distance_m(a: LatLon, b: LatLon) -> float:
    """Return the geodesic distance between two (lat, lon) points."""
    return float(GEOD.inv(a[1], a[0], b[1], b[0])[2])


def point_at(centre: LatLon, azimuth_deg: float, distance: float) -> LatLon:
    """Return the point at a geodesic distance and azimuth from the centre."""
    lon, lat, _ = GEOD.fwd(centre[1], centre[0], azimuth_deg, distance)
    return float(lat), float(lon)


def upload(
    fixes: Iterable[Fix],
    *,
    every_s: float,
    outages: Sequence[tuple[float, float]] = (),
    store_and_forward: bool = True,
    late_probability: float = 0.0,
    late_by_s: float = 0.0,
    duplicate_probability: float = 0.0,
    rng: np.random.Generator | None = None,
) -> list[Batch]:
    """Group fixes into uploads as a vendor platform sends them, ordered by send time.

    A fix is sent at the next multiple of `every_s` after it was recorded.
    During an outage (start, end) nothing is sent: with store-and-forward the
    fixes go out in the first upload after the outage, otherwise they are lost.
    """
    rng = rng or np.random.default_rng(0)
    slots: dict[float, list[Fix]] = {}
    for fix in fixes:
        send_t = math.floor(fix.t / every_s) * every_s + every_s
        outage = next(((a, b) for a, b in outages if a <= fix.t < b or a <= send_t < b), None)
        if outage is not None:
            if not store_and_forward:
                continue
            send_t = max(send_t, math.floor(outage[1] / every_s) * every_s + every_s)
        slots.setdefault(send_t, []).append(fix)
    batches = []
    for send_t, slot in sorted(slots.items()):
        batch = Batch(send_t, tuple(slot))
        if rng.random() < late_probability:
            batch = replace(batch, send_t=send_t + late_by_s, late=True)
        batches.append(batch)
        if rng.random() < duplicate_probability:
            batches.append(replace(batch, send_t=batch.send_t + every_s / 2, duplicate=True))
    return sorted(batches, key=lambda b: b.send_t)
