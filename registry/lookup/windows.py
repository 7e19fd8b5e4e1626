"""Which bans a lookup shows: in force and active now, in force outside its hours, starting soon, or ended.

A ban with weekly hours (time_windows, Europe/Amsterdam wall-clock time) is in
force for its whole validity but binds only inside its hours; the officer acts
on what binds now. The window maths is the geofence engine's, so the lookup and
the alerts can never disagree on whether a night ban holds.
"""

import itertools
import json
from collections import defaultdict
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from django.db import connection
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from geofence.engine.errors import InvalidTimeWindow
from geofence.engine.windows import MINUTES_PER_WEEK, local_minute_of_week, window_bitmap, windows_from_json
from registry.db import ModelColumns, any_of_sql
from registry.localtime import LOCAL
from registry.models import Ban, BanStatus, Decision, Person

from .devices import last_contact_params, last_contact_sql, read_last_contact

STARTING_SOON = timedelta(days=14)
RECENTLY_ENDED = timedelta(days=30)


class BanWindow(StrEnum):
    IN_FORCE = "in_force"
    IN_FORCE_IDLE = "in_force_idle"
    STARTING_SOON = "starting_soon"
    SUSPENDED = "suspended"
    RECENTLY_ENDED = "recently_ended"


WINDOW_LABELS = {
    BanWindow.IN_FORCE: _("NU VAN KRACHT"),
    BanWindow.IN_FORCE_IDLE: _("Van kracht, maar nu buiten de tijden (geldt nu niet)"),
    BanWindow.STARTING_SOON: _("Gaat binnenkort in (nog niet van kracht)"),
    BanWindow.SUSPENDED: _("Geschorst (nu niet van kracht)"),
    BanWindow.RECENTLY_ENDED: _("Onlangs beëindigd (niet meer van kracht)"),
}
# In force first: that is what the officer acts on.
WINDOW_ORDER = {window: i for i, window in enumerate(WINDOW_LABELS)}
_ENDED_STATUSES = (BanStatus.ENDED, BanStatus.REVOKED)
_WITH_HOURS = (BanWindow.IN_FORCE, BanWindow.IN_FORCE_IDLE)


class Period(NamedTuple):
    """One stretch of a ban's weekly hours, in local time."""

    start: datetime
    end: datetime


class ShownBan(NamedTuple):
    window: BanWindow
    ban: Ban
    # The current period when the ban binds now, else the next one; None for a ban without hours.
    period: Period | None = None


def ban_window(ban: Ban, now: datetime) -> BanWindow | None:
    """Return how a ban relates to now, or None when a lookup should not show it."""
    if ban.is_in_force(now):
        return BanWindow.IN_FORCE if hours_hold(ban.time_windows, now) else BanWindow.IN_FORCE_IDLE
    open_now = ban.valid_until is None or ban.valid_until > now
    if ban.status in (BanStatus.ACTIVE, BanStatus.PENDING) and now < ban.valid_from <= now + STARTING_SOON:
        return BanWindow.STARTING_SOON
    if ban.status == BanStatus.SUSPENDED and open_now:
        return BanWindow.SUSPENDED
    if _ended_at(ban, now) is not None:
        return BanWindow.RECENTLY_ENDED
    return None


def _ended_at(ban: Ban, now: datetime) -> datetime | None:
    if ban.status in (BanStatus.ACTIVE, BanStatus.SUSPENDED) and ban.valid_until and ban.valid_until <= now:
        ended = ban.valid_until
    elif ban.status in _ENDED_STATUSES:
        # Ended early: the status change is the end, unless the validity ran out before it.
        ended = min(filter(None, (ban.valid_until, ban.updated_at)))
    else:
        return None
    return ended if now - RECENTLY_ENDED <= ended <= now else None


def hours_hold(time_windows: list[dict], now: datetime) -> bool:
    """Return True when a ban without hours, or one whose weekly hours include now, binds."""
    if not time_windows:
        return True
    return bool(_open_minutes(_as_key(time_windows))[_minute_of_week(now)])


def shown_period(ban: Ban, now: datetime) -> Period | None:
    """Return the period of the ban's hours that holds now, else the next one before the ban ends."""
    if not ban.time_windows:
        return None
    open_ = _open_minutes(_as_key(ban.time_windows))
    if open_.all():
        return None
    ahead = np.roll(open_, -_minute_of_week(now))  # ahead[k]: open k minutes from now
    if ahead[0]:
        start, end = -int(np.argmax(~ahead[::-1])), int(np.argmax(~ahead))
    else:
        start = int(np.argmax(ahead))
        end = start + int(np.argmax(~ahead[start:])) if not ahead[start:].all() else len(ahead)
    period = Period(_wall_clock(now, start), _wall_clock(now, end))
    if ban.valid_until is not None and period.start >= ban.valid_until:
        return None
    return period


def _minute_of_week(now: datetime) -> int:
    return int(local_minute_of_week(np.array([now.timestamp()]))[0])


def _wall_clock(now: datetime, minutes: int) -> datetime:
    # Wall-clock arithmetic: the windows are local hours, so "20:00" stays 20:00 across a DST change.
    local = now.astimezone(LOCAL).replace(second=0, microsecond=0, tzinfo=None)
    return (local + timedelta(minutes=minutes)).replace(tzinfo=LOCAL)


def _as_key(time_windows: list[dict]) -> str:
    return json.dumps(time_windows, sort_keys=True)


@lru_cache(maxsize=256)
def _open_minutes(key: str) -> np.ndarray:
    try:
        return window_bitmap(windows_from_json(json.loads(key)))
    except InvalidTimeWindow:
        # Hours the engine cannot read: treat the ban as binding rather than tell an officer it does not.
        return np.ones(MINUTES_PER_WEEK, dtype=bool)


def persons_with_bans(
    person_ids: list[int], now: datetime, with_protected: bool = False
) -> tuple[dict[int, Person], dict[int, list[ShownBan]]]:
    """Return the persons by id and the shown bans of each, in force first, with their window.

    The bans come with their person and decision in one query; only persons without a
    candidate ban are read apart. Each ban carries `protected_count` and `device_last_contact`
    (lookup.devices); the protected persons themselves are only loaded when the caller may show them.
    """
    persons: dict[int, Person] = {}
    shown: dict[int, list[ShownBan]] = defaultdict(list)
    bans = _candidate_bans(person_ids, now)
    if with_protected:
        prefetch_related_objects(bans, "protected_persons")
    for ban in bans:
        persons[ban.person_id] = ban.person
        window = ban_window(ban, now)
        if window is not None:
            period = shown_period(ban, now) if window in _WITH_HOURS else None
            shown[ban.person_id].append(ShownBan(window, ban, period))
    for person_bans in shown.values():
        person_bans.sort(key=lambda item: (WINDOW_ORDER[item[0]], item[1].valid_from))
    missing = [pid for pid in person_ids if pid not in persons]
    if missing:
        persons.update(Person.objects.in_bulk(missing))
    return persons, shown


class _BanColumns(NamedTuple):
    ban: ModelColumns
    decision: ModelColumns
    person: ModelColumns


@lru_cache(maxsize=1)
def _ban_columns() -> _BanColumns:
    return _BanColumns(ModelColumns(Ban, "b"), ModelColumns(Decision, "d"), ModelColumns(Person, "p"))


def _candidate_bans(person_ids: list[int], now: datetime) -> list[Ban]:
    """Return the bans a lookup may show of these persons, with decision, person, protected_count, device contact.

    Written out rather than built as a queryset: compiling the select_related, annotated
    queryset took longer than PostgreSQL took to answer it, on every lookup.
    """
    if not person_ids:
        return []
    columns = _ban_columns()
    qn = connection.ops.quote_name
    through = Ban.protected_persons.through._meta
    recent = _db_time(now - RECENTLY_ENDED)
    of_persons, params = any_of_sql("b.person_id", [], list(person_ids), connection.vendor)
    sql = (
        f"SELECT {columns.ban.sql}, {columns.decision.sql}, {columns.person.sql}, "  # noqa: S608 - our own names
        f"(SELECT COUNT(*) FROM {qn(through.db_table)} bp WHERE bp.{qn(through.get_field('ban').column)} = b.id), "
        f"{last_contact_sql('b.person_id')} "
        f"FROM {qn(Ban._meta.db_table)} b "
        f"JOIN {qn(Decision._meta.db_table)} d ON d.id = b.decision_id "
        f"JOIN {qn(Person._meta.db_table)} p ON p.id = b.person_id "
        f"WHERE {of_persons} AND b.valid_from <= %s "
        "AND (b.valid_until IS NULL OR b.valid_until >= %s OR b.updated_at >= %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*last_contact_params(now), *params, _db_time(now + STARTING_SOON), recent, recent])
        rows = cursor.fetchall()
    bans = []
    ends = list(itertools.accumulate((len(columns.ban), len(columns.decision), len(columns.person))))
    decision_field, person_field = Ban._meta.get_field("decision"), Ban._meta.get_field("person")
    for row in rows:
        ban = columns.ban.build(row[: ends[0]])
        decision_field.set_cached_value(ban, columns.decision.build(row[ends[0] : ends[1]]))
        person_field.set_cached_value(ban, columns.person.build(row[ends[1] : ends[2]]))
        ban.protected_count = row[ends[2]]
        ban.device_last_contact = read_last_contact(row[ends[2] + 1])
        bans.append(ban)
    return bans


def _db_time(moment: datetime):
    return Ban._meta.get_field("valid_from").get_db_prep_value(moment, connection)
