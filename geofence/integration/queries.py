"""Which incidents a user of the integration API reads: one function builds the queryset, so scoping is one place."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from geofence.models import Incident
from geofence.monitor.models import BanRegion


def incidents_for(user) -> QuerySet[Incident]:
    """Return every incident the user may read, of any age, closed ones included, newest first.

    Region-bound operators read their regions' incidents only (registry/regions.py), supervisors all;
    the list and the detail both go through here.
    """
    return (
        Incident.objects.visible_to(user).select_related("device__vendor", "assigned_to").order_by("-opened_at", "-id")
    )


def in_region(region: str) -> Q:
    """Match incidents of a police region, and those whose region is unknown (as the board: never hide one).

    The region is the ban's; an incident without a ban (a device problem) takes the regions of its
    subject's bans.
    """
    subject_regions = BanRegion.objects.filter(ban__person_id=OuterRef("person_id"))
    by_ban = Q(ban__monitor_region__region=region) | Q(ban__isnull=False, ban__monitor_region__isnull=True)
    by_subject = Exists(subject_regions.filter(region=region)) | ~Exists(subject_regions)
    return by_ban | (Q(ban__isnull=True) & by_subject)
