"""Which bans a lookup shows: in force now, starting soon, or recently ended."""

from collections import defaultdict
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from registry.models import Ban, BanStatus

STARTING_SOON = timedelta(days=14)
RECENTLY_ENDED = timedelta(days=30)


class BanWindow(StrEnum):
    IN_FORCE = "in_force"
    STARTING_SOON = "starting_soon"
    SUSPENDED = "suspended"
    RECENTLY_ENDED = "recently_ended"


WINDOW_LABELS = {
    BanWindow.IN_FORCE: _("NU VAN KRACHT"),
    BanWindow.STARTING_SOON: _("Gaat binnenkort in (nog niet van kracht)"),
    BanWindow.SUSPENDED: _("Geschorst (nu niet van kracht)"),
    BanWindow.RECENTLY_ENDED: _("Onlangs beëindigd (niet meer van kracht)"),
}
# In force first: that is what the officer acts on.
WINDOW_ORDER = {window: i for i, window in enumerate(WINDOW_LABELS)}
_ENDED_STATUSES = (BanStatus.ENDED, BanStatus.REVOKED)


class ShownBan(NamedTuple):
    window: BanWindow
    ban: Ban


def ban_window(ban: Ban, now: datetime) -> BanWindow | None:
    """Return how a ban relates to now, or None when a lookup should not show it."""
    if ban.is_in_force(now):
        return BanWindow.IN_FORCE
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


def bans_by_person(person_ids: list[int], now: datetime, with_protected: bool = False) -> dict[int, list[ShownBan]]:
    """Return the shown bans of each person, in force first, with their window.

    Each ban carries `protected_count`; the protected persons themselves are only
    loaded when the caller may show them.
    """
    recent = now - RECENTLY_ENDED
    candidates = (
        Ban.objects.filter(person_id__in=person_ids, valid_from__lte=now + STARTING_SOON)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=recent) | Q(updated_at__gte=recent))
        .select_related("decision")
        .annotate(protected_count=Count("protected_persons"))
    )
    if with_protected:
        candidates = candidates.prefetch_related("protected_persons")
    shown: dict[int, list[ShownBan]] = defaultdict(list)
    for ban in candidates:
        window = ban_window(ban, now)
        if window is not None:
            shown[ban.person_id].append(ShownBan(window, ban))
    for bans in shown.values():
        bans.sort(key=lambda item: (WINDOW_ORDER[item[0]], item[1].valid_from))
    return shown
