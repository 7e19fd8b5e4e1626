"""Turn the engine tracker's steps for (ban, device, zone) pairs into incident changes.

The engine's `advance` decides every transition; this adapter only loads
the incidents a batch can touch, applies what each step means to them and
writes running figures and track states back in bulk:

| step | incident change |
| --- | --- |
| ENTER, or ESCALATE without an incident | open a violation (an approach pre-alert closes as "entered") |
| ESCALATE | escalate the violation: definite now, and the police are told |
| EXIT, all zones of the ban clear | close the violation ("exit") |
| APPROACH | open or raise the approach pre-alert (centre only unless APPROACH_ALERTS_TO_POLICE) |
| approach level back to 0 | close the pre-alert ("turned_back") |
| INTERRUPTED / RESTORED | open / close "protection interrupted" for a moving zone |
| still in violation, no incident (an operator closed it) | a new violation after INCIDENT_REOPEN_GRACE_SECONDS |
| late inside fix | joins the incident it belongs to (its opening moves back), or opens one marked late |

A violation opened by a suspect fix (an impossible jump) reaches the
centre only: the police hear of it when a plausible fix escalates it.
"""

import json
import math
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone

from geofence.db import from_epoch, update_from_values, zone_tracks_of
from geofence.engine.tracker import Observation, Phase, TrackState, Transition, advance
from geofence.engine.verdicts import InactiveReason, Verdict
from geofence.models import BAN_WATCH_TYPES, ZONE_TYPES, Device, Fix, Incident, IncidentType, ZoneTrack
from registry.models import Ban, BanKind

from .services import Action, add_timeline_entry, change_state, open_incident

PAIR_COLUMNS = (
    "fix_index",
    "zone_id",
    "verdict",
    "approach_level",
    "beyond_exit_margin",
    "inactive_reason",
    "suspect",
    "centre_distance_m",
    "signed_distance_m",
    "eta_min",
    "speed_mps",
)
_RUNNING_FIGURES = ("fix_count", "last_fix_id", "closest_distance_m", "deepest_intrusion_m", "eta_min")


class ZoneIncidents:
    """Feed (fix, zone) pairs to the tracker in event-time order and act on what each step means.

    With `retro`, the pairs are judged again for a ban or assignment that
    just started: a pair without a stored state starts from scratch instead
    of after the device's evaluated time, and fixes a pair already judged are
    skipped rather than treated as late.
    """

    def __init__(self, catalogue, fixes, evaluated: dict, idx: np.ndarray, rows: dict, devices: set[int], retro=False):
        self.catalogue = catalogue
        self.fixes = fixes
        self.evaluated = evaluated
        self.idx = idx  # batch position -> position in `fixes`
        self.rows = rows
        self.retro = retro
        self.states = {key: TrackState.from_dict(row.state) for key, row in rows.items()}
        self.changed: set[tuple] = set()
        self.violations: dict[tuple, Incident] = {}
        self.watches: dict[tuple, Incident] = {}  # (type, ban, device) -> approach or protection incident
        for incident in _active_incidents(devices):
            if incident.type in ZONE_TYPES:
                self.violations[(incident.ban_id, incident.device_id)] = incident
            else:
                self.watches[(incident.type, incident.ban_id, incident.device_id)] = incident
        self.stats: dict[int, dict] = {}
        self.closed_at: dict[tuple, datetime | None] = {}
        self.bans = _ReadOnFirstUse(Ban.objects.select_related("decision", "person"))
        self.devices = _ReadOnFirstUse(Device.objects.select_related("vendor", "status"), devices)

    def run(self, result, pairs: np.ndarray) -> None:
        """Step every pair, then write the running figures and track states."""
        cols = {name: getattr(result, name)[pairs].tolist() for name in PAIR_COLUMNS}
        self.bans.expect({self.catalogue.meta[z].ban_id for z in set(cols["zone_id"])})
        for k in range(len(pairs)):
            self._step({name: values[k] for name, values in cols.items()})
        self._save_tracks()
        self._save_stats()

    def _step(self, pair: dict) -> None:
        i = int(self.idx[pair["fix_index"]])
        device_id, t = self.fixes.device[i], self.fixes.t[i]
        meta = self.catalogue.meta[pair["zone_id"]]
        key = (meta.ban_id, device_id, meta.zone_key)
        state = self.states.get(key) or TrackState(last_t=None if self.retro else self.evaluated.get(device_id))
        obs = _observation(t, pair)
        step = advance(state, obs)
        if step.late:
            if not self.retro:
                self._late(meta, device_id, i, pair)
            return
        self.states[key] = step.state
        self.changed.add(key)
        if step.protection is not None:
            self._protection(step.protection, meta, device_id, i)
        if step.transition is not None:
            self._transition(step.transition, meta, device_id, i, pair, obs)
        elif step.state.phase == Phase.DEFINITE and obs.verdict == Verdict.DEFINITE and not obs.suspect:
            self._still_inside(meta, device_id, i, pair)
        if step.state.phase != Phase.CLEAR:
            self._inside(meta, device_id, i, pair)
        elif state.approach_level and not step.state.approach_level:
            self._close_watch(IncidentType.ZONE_APPROACH, meta.ban_id, device_id, from_epoch(t), "turned_back")

    # --- transitions ------------------------------------------------------------------------------------------

    def _transition(self, transition: Transition, meta, device_id: int, i: int, pair: dict, obs) -> None:
        incident = self.violations.get((meta.ban_id, device_id))
        definite = obs.verdict == Verdict.DEFINITE and not obs.suspect
        if transition == Transition.ENTER or (transition == Transition.ESCALATE and incident is None):
            if incident is None:
                self._open(meta, device_id, i, pair, definite=definite, suspect=obs.suspect)
            elif definite and not incident.definite:
                self._escalate(incident, meta, device_id, i, pair)
        elif transition == Transition.ESCALATE:
            self._escalate(incident, meta, device_id, i, pair)
        elif transition == Transition.EXIT and incident is not None and self._all_clear(meta.ban_id, device_id):
            self._flush(incident)
            change_state(incident, Action.CLOSE, at=from_epoch(self.fixes.t[i]), reason="exit")
            del self.violations[(meta.ban_id, device_id)]
            self.stats.pop(incident.pk, None)
        elif transition == Transition.APPROACH and incident is None:
            self._approach(meta, device_id, i, pair)

    def _open(self, meta, device_id: int, i: int, pair: dict, *, definite: bool, suspect=False, **details) -> None:
        at = from_epoch(self.fixes.t[i])
        approach = self._close_watch(IncidentType.ZONE_APPROACH, meta.ban_id, device_id, at, "entered")
        if approach is not None:
            details["approach_incident"] = approach.pk
        if suspect:
            details["suspect"] = True
        kind = IncidentType.PRESENCE_VIOLATION if meta.ban_kind == BanKind.PRESENCE else IncidentType.ZONE_VIOLATION
        incident = self._open_about(
            kind,
            meta,
            device_id,
            i,
            definite=definite,
            # A suspect fix alone asks the centre to confirm; the police hear of it once a plausible fix does.
            notify_police=not suspect,
            details=details,
            fix_count=1,
            closest_distance_m=_num(pair["centre_distance_m"]),
            deepest_intrusion_m=_intrusion(meta, pair),
            eta_min=_num(pair["eta_min"]),
        )
        self.violations[(meta.ban_id, device_id)] = incident
        self.stats[incident.pk] = {"seen": {self.fixes.id[i]}}

    def _escalate(self, incident: Incident, meta, device_id: int, i: int, pair: dict) -> None:
        self._inside(meta, device_id, i, pair)
        self._flush(incident)
        if incident.state == "escalated":
            self.violations[(meta.ban_id, device_id)] = _set_fields(incident, definite=True)
            return
        self.violations[(meta.ban_id, device_id)] = change_state(
            incident, Action.ESCALATE, at=from_epoch(self.fixes.t[i]), definite=True
        )

    def _still_inside(self, meta, device_id: int, i: int, pair: dict) -> None:
        """Open a new violation for a subject still inside after an operator closed the last one."""
        if (meta.ban_id, device_id) in self.violations:
            return
        # The grace runs on the server's clock: it spares the operator who just closed, whatever the fix's time.
        closed = self._last_closed(meta.ban_id, device_id)
        if closed is None or timezone.now() >= closed + timedelta(seconds=settings.INCIDENT_REOPEN_GRACE_SECONDS):
            self._open(meta, device_id, i, pair, definite=True, after_close=True)

    def _last_closed(self, ban_id: int, device_id: int) -> datetime | None:
        key = (ban_id, device_id)
        if key not in self.closed_at:
            closed = Incident.objects.filter(ban_id=ban_id, device_id=device_id, type__in=ZONE_TYPES)
            self.closed_at[key] = (
                closed.exclude(closed_at=None).order_by("-closed_at").values_list("closed_at", flat=True).first()
            )
        return self.closed_at[key]

    def _late(self, meta, device_id: int, i: int, pair: dict) -> None:
        """Give a late inside fix to the episode it belongs to, or open a late incident for it."""
        if pair["verdict"] == Verdict.CLEAR or pair["inactive_reason"] != InactiveReason.NONE:
            return
        at = from_epoch(self.fixes.t[i])
        incident = self.violations.get((meta.ban_id, device_id)) or self._closed_episode(meta.ban_id, device_id, at)
        if incident is None:
            definite = pair["verdict"] == Verdict.DEFINITE and not pair["suspect"]
            self._open(meta, device_id, i, pair, definite=definite, suspect=pair["suspect"], late=True)
            return
        join = timedelta(seconds=settings.INCIDENT_LATE_JOIN_SECONDS)
        if at < incident.opened_at and incident.opened_at - at <= join:
            # Its first inside fix arrived late: it opens there, and says so.
            _set_fields(incident, opened_at=at, details={**incident.details, "late": True})
            add_timeline_entry(incident, "opened_earlier", at=at, fix=self.fixes.id[i])
        if incident.is_active:
            self.violations[(meta.ban_id, device_id)] = incident
            self._inside(meta, device_id, i, pair, latest=False)

    def _closed_episode(self, ban_id: int, device_id: int, at: datetime) -> Incident | None:
        """Return the closed violation whose span holds `at`, or that opened shortly after it."""
        join = timedelta(seconds=settings.INCIDENT_LATE_JOIN_SECONDS)
        return (
            Incident.objects.filter(ban_id=ban_id, device_id=device_id, type__in=ZONE_TYPES)
            .filter(opened_at__lte=at + join, closed_at__gte=at)
            .order_by("opened_at")
            .first()
        )

    def _approach(self, meta, device_id: int, i: int, pair: dict) -> None:
        """Open or raise the centre's pre-alert for a subject closing in on the zone."""
        at, level = from_epoch(self.fixes.t[i]), pair["approach_level"]
        figures = {
            "level": level,
            "distance_to_zone_m": _round(pair["signed_distance_m"]),
            "speed_mps": _round(pair["speed_mps"], 1),
            "eta_min": _round(pair["eta_min"], 1),
        }
        key = (IncidentType.ZONE_APPROACH, meta.ban_id, device_id)
        incident = self.watches.get(key)
        if incident is not None:
            add_timeline_entry(incident, "closer", at=at, **figures)
            self.watches[key] = _set_fields(incident, details={**incident.details, **figures})
            return
        self.watches[key] = self._open_about(
            IncidentType.ZONE_APPROACH,
            meta,
            device_id,
            i,
            notify_police=settings.APPROACH_ALERTS_TO_POLICE,
            details=figures,
            closest_distance_m=_num(pair["centre_distance_m"]),
            eta_min=_num(pair["eta_min"]),
        )

    def _protection(self, change: Transition, meta, device_id: int, i: int) -> None:
        at = from_epoch(self.fixes.t[i])
        key = (IncidentType.PROTECTION_INTERRUPTED, meta.ban_id, device_id)
        if change == Transition.RESTORED:
            if not self._any_no_data(meta.ban_id, device_id):
                self._close_watch(IncidentType.PROTECTION_INTERRUPTED, meta.ban_id, device_id, at, "restored")
            return
        if key in self.watches:
            return
        self.watches[key] = self._open_about(
            IncidentType.PROTECTION_INTERRUPTED, meta, device_id, i, details={"zone": meta.zone_key}
        )

    def _open_about(self, type: str, meta, device_id: int, i: int, **fields) -> Incident:
        """Open an incident of this type about the ban, its subject and the device, at fix i."""
        ban = self.bans[meta.ban_id]
        return open_incident(
            type=type,
            at=from_epoch(self.fixes.t[i]),
            ban=ban,
            person=ban.person,
            protected_person_id=meta.protected_id,
            device=self.devices[device_id],
            last_fix=self._fix(i),
            **fields,
        )

    def _close_watch(self, type: str, ban_id: int, device_id: int, at: datetime, reason: str) -> Incident | None:
        incident = self.watches.pop((type, ban_id, device_id), None)
        if incident is not None:
            change_state(incident, Action.CLOSE, at=at, reason=reason)
        return incident

    # --- running figures ----------------------------------------------------------------------------------------

    def _inside(self, meta, device_id: int, i: int, pair: dict, latest: bool = True) -> None:
        """Count the fix into the violation's running figures; a late fix does not become its last position."""
        incident = self.violations.get((meta.ban_id, device_id))
        if incident is None:
            return
        stats = self.stats.setdefault(incident.pk, {"seen": set()})
        fix_id = self.fixes.id[i]
        if fix_id not in stats["seen"]:
            stats["seen"].add(fix_id)
            incident.fix_count += 1
        if latest:
            incident.last_fix_id, incident.eta_min = fix_id, _num(pair["eta_min"])
        incident.closest_distance_m = _min(incident.closest_distance_m, _num(pair["centre_distance_m"]))
        incident.deepest_intrusion_m = _max(incident.deepest_intrusion_m, _intrusion(meta, pair))
        stats["dirty"] = True

    def _all_clear(self, ban_id: int, device_id: int) -> bool:
        return all(
            state.phase == Phase.CLEAR for (b, d, _z), state in self.states.items() if b == ban_id and d == device_id
        )

    def _any_no_data(self, ban_id: int, device_id: int) -> bool:
        return any(state.no_data for (b, d, _z), state in self.states.items() if b == ban_id and d == device_id)

    def _flush(self, incident: Incident) -> None:
        """Write the running figures without touching state or version (operators act on the version)."""
        stats = self.stats.get(incident.pk)
        if not stats or not stats.pop("dirty", False):
            return
        Incident.objects.filter(pk=incident.pk).update(**{name: getattr(incident, name) for name in _RUNNING_FIGURES})

    def _save_stats(self) -> None:
        dirty = [i for i in self.violations.values() if self.stats.get(i.pk, {}).pop("dirty", False)]
        update_from_values(
            Incident._meta.db_table,
            "id",
            _RUNNING_FIGURES,
            [(i.pk, *(getattr(i, name) for name in _RUNNING_FIGURES)) for i in dirty],
        )

    def _save_tracks(self) -> None:
        new, changed = [], []
        for key in self.changed:
            state = self.states[key]
            row = self.rows.get(key)
            if row is None and _plain(state):
                continue  # the default: DeviceStatus.evaluated_until carries its time
            if row is None:
                row = ZoneTrack(ban_id=key[0], device_id=key[1], zone_key=key[2])
                new.append(row)
            else:
                changed.append(row)
            row.state, row.phase, row.last_event_at = state.to_dict(), state.phase.value, from_epoch(state.last_t)
        ZoneTrack.objects.bulk_create(new)
        # Django's bulk_update builds a CASE per row and column: far too slow for a thousand tracks.
        update_from_values(
            ZoneTrack._meta.db_table,
            "id",
            ("state", "phase", "last_event_at"),
            [(row.pk, json.dumps(row.state), row.phase, row.last_event_at) for row in changed],
        )

    def _fix(self, i: int) -> Fix:
        f = self.fixes
        return Fix(
            id=f.id[i],
            device_id=f.device[i],
            ts=from_epoch(f.t[i]),
            lat=f.lat[i],
            lon=f.lon[i],
            accuracy_m=f.accuracy[i],
        )


class _ReadOnFirstUse:
    """Model rows by pk, all the expected ones read in one query when the first is asked for.

    A burst (a fleet entering its zones at once, a ban that starts with its
    subject inside) opens dozens of incidents in one batch: a query for each
    incident's ban and device would hold the batch's device locks, and every
    alert in it, for as long. A run that opens nothing reads nothing.
    """

    def __init__(self, queryset, expected: set[int] = frozenset()) -> None:
        self._queryset = queryset
        self._expected = set(expected)
        self._rows: dict[int, object] = {}

    def expect(self, pks: set[int]) -> None:
        self._expected |= pks

    def __getitem__(self, pk: int):
        if pk not in self._rows:
            wanted, self._expected = self._expected | {pk}, set()
            self._rows.update(self._queryset.in_bulk(wanted))
        return self._rows[pk]


def _active_incidents(devices: set[int]):
    """Return the active violations and watches of the devices, with only the running figures loaded."""
    incidents = (
        Incident.objects.active()
        .filter(device_id__in=devices, type__in=ZONE_TYPES + BAN_WATCH_TYPES)
        # State changes reload the row locked and complete (services.change_state).
        .only("id", "type", "state", "ban_id", "device_id", "definite", "opened_at", "details", *_RUNNING_FIGURES)
    )
    return list(incidents)


def tracks_of(devices: np.ndarray) -> dict[tuple, ZoneTrack]:
    """Return the stored tracks of these devices (their device rows are locked by the caller)."""
    return {(z.ban_id, z.device_id, z.zone_key): z for z in zone_tracks_of(devices.tolist())}


def is_plain(row: ZoneTrack) -> bool:
    return _plain(TrackState.from_dict(row.state))


def _observation(t: float, pair: dict) -> Observation:
    return Observation(
        t=t,
        verdict=Verdict(pair["verdict"]),
        approach_level=pair["approach_level"],
        beyond_exit_margin=pair["beyond_exit_margin"],
        inactive_reason=InactiveReason(pair["inactive_reason"]),
        suspect=pair["suspect"],
    )


def _set_fields(incident: Incident, **fields) -> Incident:
    """Set facts on an incident without a state change (e.g. a manual escalation that became definite)."""
    Incident.objects.filter(pk=incident.pk).update(**fields)
    for name, value in fields.items():
        setattr(incident, name, value)
    return incident


def _plain(state: TrackState) -> bool:
    return state.phase == Phase.CLEAR and state.approach_level == 0 and state.streak == 0 and not state.no_data


def _num(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _round(value, digits: int = 0) -> float | None:
    value = _num(value)
    return None if value is None else round(value, digits)


def _intrusion(meta, pair: dict) -> float | None:
    signed = _num(pair["signed_distance_m"])
    if signed is None:
        return None
    # Exclusion: metres inside the zone; presence obligation: metres outside it.
    return max(0.0, signed if meta.ban_kind == BanKind.PRESENCE else -signed)


def _min(a, b):
    return b if a is None else a if b is None else min(a, b)


def _max(a, b):
    return b if a is None else a if b is None else max(a, b)
