"""Turn the registry's bans into engine zones, cached per process until a ban or assignment changes.

Freshness: every save of a ban, a protected person or a device assignment
raises `ZoneCatalogueVersion` in its own transaction. Each process reads
that version (one primary-key read) whenever it takes the catalogue, and
the feed takes it again after locking a batch's devices, so a change
committed by any process is in force for the next fix every process
evaluates. After the commit, the subject's last minutes of stored fixes are
judged again (evaluation.evaluate_recent_fixes), which covers a fix that
was being evaluated while the change committed.
"""

import logging
import math
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import numpy as np
from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from geofence.engine.errors import InvalidZone
from geofence.engine.index import ZoneIndex
from geofence.engine.windows import windows_from_json
from geofence.engine.zones import CircleZone, Mode, MovingZone, PolygonZone
from geofence.models import DeviceAssignment, DeviceKind, ZoneCatalogueVersion
from registry.models import Ban, BanKind, BanStatus, ProtectedPerson, ZoneShape
from registry.signals import decisions_imported

log = logging.getLogger(__name__)

# Rebuild at least this often, in the background: bans start and end with time, and a change written
# without the model's signals (raw SQL) still arrives.
CACHE_TTL_S = 60.0


@dataclass(frozen=True)
class ZoneMeta:
    """What the engine's integer zone id stands for."""

    ban_id: int
    zone_key: str
    person_id: int
    ban_kind: str
    risk: str
    protected_id: int | None


@dataclass
class Catalogue:
    index: ZoneIndex
    meta: list[ZoneMeta]  # by zone id
    valid_from: np.ndarray  # unix seconds, by zone id
    valid_until: np.ndarray  # unix seconds (inf: open-ended), by zone id
    victim_devices: dict[int, list[int]] = field(default_factory=dict)  # protected id -> device pks

    @cached_property
    def has_moving_zones(self) -> bool:
        return any(m.protected_id is not None for m in self.meta)


_lock = threading.Lock()
_cache: dict = {"generation": 0}


def current_catalogue() -> Catalogue:
    """Return the zones of all active bans, rebuilding when the registry changed.

    A change the fingerprint sees is rebuilt at once, in the caller. The
    periodic rebuild of an unchanged registry (CACHE_TTL_S) runs in a
    background thread while callers keep the current catalogue: with 10,000
    bans a build takes seconds of CPU (30,000 model instances), and done in
    a request it held that request and every batch waiting on its devices.
    A build older than ZONE_CATALOGUE_MAX_AGE_SECONDS (a process that idled)
    is rebuilt in the caller before use; if that rebuild fails, the old build
    is used and its age fails the health check.
    """
    key = (_cache["generation"], ZoneCatalogueVersion.current())
    limit = settings.ZONE_CATALOGUE_MAX_AGE_SECONDS
    with _lock:
        cached = _cache.get("entry")
        usable = cached if cached and cached[0] == key else None
        if usable:
            age = time.monotonic() - usable[1]
            if age < limit:
                if age >= CACHE_TTL_S:
                    _refresh_in_background(key)
                _cache["used_age"] = age
                return usable[2]
    try:
        catalogue = build_catalogue()
    except Exception:
        if usable is None:
            raise
        log.exception("rebuild of a zone catalogue %.0f s old failed; the old one stays in use", age)
        with _lock:
            _cache["used_age"] = time.monotonic() - usable[1]
        return usable[2]
    with _lock:
        _cache["entry"] = (key, time.monotonic(), catalogue)
        _cache["used_age"] = 0.0
    return catalogue


def catalogue_age_seconds() -> float | None:
    """Return the age of the catalogue this process last judged fixes with, then; None before the first.

    An idle process's build grows old unused, which is no risk: it is rebuilt before its next use.
    """
    return _cache.get("used_age")


def warm() -> None:
    """Build the catalogue before the first batch (a web worker starting); an unreachable database is left to it.

    Built in the first batch instead, it held that batch and every batch
    waiting on its devices (0.25-0.3 s of CPU with 10,000 bans), just when
    a restarted worker takes its first entering fix.
    """
    try:
        current_catalogue()
    except DatabaseError:
        log.warning("zone catalogue not built at start; the first batch builds it", exc_info=True)


def _refresh_in_background(key: tuple) -> None:
    # Called with _lock held.
    if _cache.get("refreshing"):
        return
    _cache["refreshing"] = True
    threading.Thread(target=_refresh, args=(key,), name="zone-catalogue", daemon=True).start()


def _refresh(key: tuple) -> None:
    try:
        catalogue = build_catalogue()
        with _lock:
            entry = _cache.get("entry")
            if entry is not None and entry[0] == key:  # nothing newer was built meanwhile
                _cache["entry"] = (key, time.monotonic(), catalogue)
                _cache["used_age"] = 0.0
    except Exception:
        log.exception("background rebuild of the zone catalogue failed; the current one stays in use")
    finally:
        _cache["refreshing"] = False
        connections.close_all()  # this thread's own connection


def invalidate(**_kwargs) -> None:
    _cache["generation"] += 1


_pending = threading.local()
_on_change = None


def connect_cache_signals(on_change=None) -> None:
    """Keep every process's catalogue fresh; call `on_change(person_ids)` after the commit of a change."""
    global _on_change
    _on_change = on_change
    for model in (Ban, DeviceAssignment, ProtectedPerson):
        post_save.connect(_changed, sender=model, dispatch_uid=f"zones-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"zones-delete-{model.__name__}")
    m2m_changed.connect(_changed, sender=Ban.protected_persons.through, dispatch_uid="zones-m2m")
    decisions_imported.connect(_imported, dispatch_uid="zones-imported")


def _changed(sender, instance, **kwargs) -> None:
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return
    invalidate()
    ZoneCatalogueVersion.bump()
    if kwargs.get("signal") is not post_delete:
        _judge_again_on_commit(_subjects_of(instance))


def _imported(sender, person_ids: set[int], **kwargs) -> None:
    invalidate()
    ZoneCatalogueVersion.bump()
    _judge_again_on_commit(set(person_ids))


def _subjects_of(instance) -> set[int]:
    """Return the persons whose zones the changed row can move."""
    if isinstance(instance, Ban):
        return {instance.person_id}
    if isinstance(instance, DeviceAssignment) and instance.person_id is not None:
        return {instance.person_id}
    protected = instance.protected_person_id if isinstance(instance, DeviceAssignment) else instance.pk
    active = Ban.objects.filter(status=BanStatus.ACTIVE, protected_persons=protected)
    return set(active.values_list("person_id", flat=True))


def _judge_again_on_commit(person_ids: set[int]) -> None:
    """Hand the changed subjects to `on_change` after the commit, once per batch of changes.

    Every change registers a callback, but they share one pending set: the
    first to run after a commit takes all subjects and the rest find none, so
    an import of thousands of bans in one transaction makes one call. Subjects
    of a rolled-back change are judged again with the next commit, which
    changes nothing.
    """
    if _on_change is None or not person_ids:
        return
    _pending.__dict__.setdefault("ids", set()).update(person_ids)
    transaction.on_commit(_flush)


def _flush() -> None:
    ordered, _pending.ids = sorted(getattr(_pending, "ids", ())), set()
    chunk = settings.ZONE_RETROACTIVE_CHUNK
    for start in range(0, len(ordered), chunk):
        part = ordered[start : start + chunk]
        try:
            _on_change(part)
        except Exception:
            log.exception("could not judge the recent fixes of %d subjects again", len(part))


def build_catalogue() -> Catalogue:
    """Build the engine index for every active ban that has a zone or a protected person's device."""
    victim_devices = _victim_devices()
    # No model instances are kept: 10,000 bans with decision, person and prefetch cache were 220,000 objects in
    # reference cycles, which made every full pass of the garbage collector cost a third of a second.
    zones, meta, spans = [], [], []
    for ban in _zone_bans():
        for zone_key, protected_id, make in _zones_of(ban, victim_devices):
            try:
                zones.append(make(len(meta)))
            except InvalidZone as exc:
                log.warning("Ban %s zone %s skipped: %s", ban.pk, zone_key, exc)
                continue
            meta.append(ZoneMeta(ban.pk, zone_key, ban.person_id, ban.kind, ban.sash_risk, protected_id))
            spans.append((ban.valid_from.timestamp(), ban.valid_until.timestamp() if ban.valid_until else math.inf))
    valid = np.array(spans, dtype=np.float64).reshape(-1, 2)
    return Catalogue(ZoneIndex(zones), meta, valid[:, 0], valid[:, 1], victim_devices)


@dataclass
class _BanRow:
    """The fields of a ban the catalogue needs, read as plain values: the rebuild runs every minute in each worker."""

    pk: int
    person_id: int
    kind: str
    time_windows: list | None
    zone_shape: str
    zone_geojson: dict | None
    centre_lat: float | None
    centre_lon: float | None
    radius_m: float | None
    valid_from: datetime
    valid_until: datetime | None
    sash_risk: str
    protected: list = field(default_factory=list)

    # The model's own rules, so they stay defined once.
    has_zone = property(Ban.has_zone.fget)
    effective_radius_m = property(Ban.effective_radius_m.fget)


@dataclass(frozen=True)
class _Protected:
    pk: int
    home_lat: float | None
    home_lon: float | None


_BAN_FIELDS = (
    "id",
    "person_id",
    "kind",
    "time_windows",
    "zone_shape",
    "zone_geojson",
    "centre_lat",
    "centre_lon",
    "radius_m",
    "valid_from",
    "valid_until",
    "decision__sash_risk",
)


def _zone_bans() -> list[_BanRow]:
    """Return the bans that can have zones, with their protected persons; 10,000 rows in two queries."""
    recent = timezone.now() - timezone.timedelta(days=1)
    bans = Ban.objects.filter(status=BanStatus.ACTIVE, kind__in=[BanKind.AREA, BanKind.PRESENCE, BanKind.CONTACT])
    bans = bans.exclude(valid_until__lt=recent)
    rows = {row[0]: _BanRow(*row) for row in bans.order_by("id").values_list(*_BAN_FIELDS)}
    links = Ban.protected_persons.through.objects.filter(ban_id__in=bans.values("id"))
    # In the protected persons' own order, as the prefetch gave them (the first home is a polygon's reference).
    links = links.order_by("protectedperson__surname", "protectedperson__given_names", "protectedperson_id")
    for ban_id, pk, lat, lon in links.values_list(
        "ban_id", "protectedperson_id", "protectedperson__home_lat", "protectedperson__home_lon"
    ):
        if ban_id in rows:
            rows[ban_id].protected.append(_Protected(pk, lat, lon))
    return list(rows.values())


def _victim_devices() -> dict[int, list[int]]:
    rows = DeviceAssignment.objects.at(timezone.now()).filter(
        protected_person__isnull=False, device__kind=DeviceKind.VICTIM_UNIT, device__active=True
    )
    found: dict[int, list[int]] = {}
    for pp_id, device_id in rows.values_list("protected_person_id", "device_id"):
        found.setdefault(pp_id, []).append(device_id)
    return found


def _zones_of(ban: _BanRow, victim_devices: dict[int, list[int]]):
    """Yield (zone key, protected id, factory(zone_id) -> engine zone) for one ban."""
    common = {
        "subject_id": ban.person_id,
        "mode": Mode.INCLUSION if ban.kind == BanKind.PRESENCE else Mode.EXCLUSION,
        "windows": windows_from_json(ban.time_windows or []),
        "approach_distances_m": settings.APPROACH_DISTANCES_M,
    }
    protected = ban.protected
    homes = [p for p in protected if p.home_lat is not None and p.home_lon is not None]
    if ban.has_zone:
        yield from _static_zones(ban, homes, common)
    if ban.kind in (BanKind.AREA, BanKind.CONTACT):
        for person in protected:
            if person.pk in victim_devices:
                yield (
                    f"pp:{person.pk}",
                    person.pk,
                    lambda zid, pk=person.pk: MovingZone(
                        zone_id=zid, subject_id=ban.person_id, protected_id=pk, radius_m=ban.effective_radius_m
                    ),
                )


def _static_zones(ban: _BanRow, homes: list, common: dict):
    if ban.zone_shape == ZoneShape.POLYGON and ban.zone_geojson:
        home = homes[0] if homes else None
        yield (
            "zone",
            None,
            lambda zid: PolygonZone(
                zone_id=zid,
                geojson=ban.zone_geojson,
                protected_lat=home.home_lat if home else None,
                protected_lon=home.home_lon if home else None,
                **common,
            ),
        )
    elif ban.centre_lat is not None and ban.centre_lon is not None:
        yield (
            "zone",
            None,
            lambda zid: CircleZone(
                zone_id=zid, lat=ban.centre_lat, lon=ban.centre_lon, radius_m=ban.effective_radius_m, **common
            ),
        )
    else:
        # No centre given: the recommended circle around each protected person's home.
        for home in homes:
            yield (
                f"home:{home.pk}",
                None,
                lambda zid, h=home: CircleZone(
                    zone_id=zid, lat=h.home_lat, lon=h.home_lon, radius_m=ban.effective_radius_m, **common
                ),
            )
