"""Access by region: which bans, persons and protected persons a user's monitoring regions cover.

The one place the region rule is written (docs/need-to-know.md, "Access by region"). A ban's region is
set by the monitoring centre (`geofence.monitor.models.BanRegion`, reached through the ban's reverse
relation `monitor_region`); everything else takes its region from its bans:

- a person is in every region of the bans that bind them;
- a protected person is in every region of the bans that protect them;
- an incident and a device follow their ban or wearer (geofence.models: `Incident.objects.visible_to`,
  `Device.objects.visible_to`, built on the functions below).

Region-bound users are monitoring operators who are neither supervisors nor superusers. They see only
rows of their own regions; an operator without a region sees nothing (fail closed), and a ban without a
region is seen by supervisors only. Every other role is nationwide (registrars, police officers,
dispatch) or not about people at all (vendors).
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Ban, PoliceRegion, RegionMembership
from .roles import Role, has_role, may_see_protected_persons, roles_of

# The ban's region, from the Ban model (the reverse relation of geofence.monitor.models.BanRegion).
REGION_RELATION = "monitor_region"
BAN_REGION = f"{REGION_RELATION}__region"
# The roles whose reads stop at their regions' borders.
REGION_BOUND_ROLES = frozenset({Role.MONITORING_OPERATOR})

__all__ = [
    "BAN_REGION",
    "REGION_RELATION",
    "PoliceRegion",
    "ban_region_q",
    "bans_visible_to",
    "is_region_bound",
    "may_see_protected_persons_by_ban",
    "persons_in_regions",
    "persons_visible_to",
    "protected_persons_visible_to",
    "region_of_ban",
    "regions_of",
]


def region_of_ban(ban: Ban) -> str:
    """Return the ban's monitoring region, "" when it has none.

    From the ban's select_related region when the query loaded it; otherwise read now (never a value an
    earlier access left on the instance before the region changed).
    """
    if ban.pk is None:
        return ""
    if getattr(Ban, REGION_RELATION).is_cached(ban):
        try:
            return getattr(ban, REGION_RELATION).region
        except ObjectDoesNotExist:
            return ""
    return Ban.objects.filter(pk=ban.pk).values_list(BAN_REGION, flat=True).first() or ""


def is_region_bound(user) -> bool:
    """Return True when the user's reads are limited to their regions (an operator, not a supervisor)."""
    if not user.is_authenticated or user.is_superuser or has_role(user, Role.SUPERVISOR):
        return False
    return bool(roles_of(user) & REGION_BOUND_ROLES)


def regions_of(user) -> frozenset[str] | None:
    """Return the regions a user may see, or None for every region (cached on the user for the request)."""
    if not is_region_bound(user):
        return None
    cached = getattr(user, "_banwatch_regions", None)
    if cached is None:
        cached = frozenset(RegionMembership.objects.filter(user_id=user.pk).values_list("region", flat=True))
        user._banwatch_regions = cached
    return cached


def ban_region_q(user, ban_path: str = "") -> Q:
    """Return a filter on rows whose ban (at `ban_path`, e.g. "ban__") lies in the user's regions."""
    regions = regions_of(user)
    if regions is None:
        return Q()
    return Q(**{f"{ban_path}{BAN_REGION}__in": sorted(regions)})


def _bans_in(regions: frozenset[str]) -> QuerySet:
    return Ban.objects.filter(**{f"{BAN_REGION}__in": sorted(regions)})


def persons_in_regions(regions: frozenset[str] | None, person_ref: str = "pk") -> Q:
    """Return a filter on rows whose person (the column `person_ref`) is bound by a ban in the regions."""
    if regions is None:
        return Q()
    return Q(Exists(_bans_in(regions).filter(person_id=OuterRef(person_ref))))


def protected_in_regions(regions: frozenset[str] | None, protected_ref: str = "pk") -> Q:
    """Return a filter on rows whose protected person is protected by a ban in the regions."""
    if regions is None:
        return Q()
    return Q(Exists(_bans_in(regions).filter(protected_persons=OuterRef(protected_ref))))


def bans_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Return the bans of the queryset in the user's regions."""
    return queryset.filter(ban_region_q(user))


def persons_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Return the persons of the queryset bound by a ban in the user's regions."""
    return queryset.filter(persons_in_regions(regions_of(user)))


def protected_persons_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Return the protected persons of the queryset protected by a ban in the user's regions."""
    return queryset.filter(protected_in_regions(regions_of(user)))


def may_see_protected_persons_by_ban(user) -> bool:
    """Return True when the user may see a ban's protected persons outside an incident.

    A region-bound operator may not: a victim's identity and contact details reach an operator only
    through an incident of their regions that they handle (geofence.monitor.casework).
    """
    return may_see_protected_persons(user) and not is_region_bound(user)
