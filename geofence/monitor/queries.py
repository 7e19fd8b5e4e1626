"""Read queries of the dashboard: the board, one incident, its track and alerts, the devices."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, IntegerField, Max, Prefetch, Q, Sum, Value
from django.db.models.functions import Now
from django.utils import timezone, translation

from geofence.alerts.models import AlertOutbox, AlertStatus
from geofence.models import Device, DeviceAssignment, Fix, Incident, IncidentState
from registry.models import Ban, BanKind, RiskLevel
from registry.regions import regions_of
from registry.roles import Role

from .positions import annotate_positions

# The board never shows more rows than this; a mass outage is one incident, not hundreds.
BOARD_LIMIT = 500
CLOSED_WINDOW = timedelta(hours=24)
REFRESH_SECONDS = 15
TRACK_LIMIT = 500
# The only columns the board's rows read (presenters.board_row, annotate_context, the overview map): loading
# and decoding the others (timestamps above all) took most of a full answer's time. A column not listed still
# loads when read, one query per row: add it here when a row starts showing it.
BOARD_COLUMNS = [
    *("type", "state", "ban", "person", "protected_person", "device", "definite", "opened_at", "closed_at"),
    *("closest_distance_m", "eta_min", "last_fix", "priority", "version", "assigned_to", "details", "created_at"),
    *("ban__decision", "ban__kind", "ban__zone_shape", "ban__centre_lat", "ban__centre_lon"),
    *("ban__decision__sash_risk", "ban__monitor_region__region"),
    *("person__given_names", "person__tussenvoegsel", "person__surname"),
    *("protected_person__home_lat", "protected_person__home_lon"),
    *("device__device_id", "last_fix__ts", "last_fix__lat", "last_fix__lon", "assigned_to__username"),
]


@dataclass(frozen=True)
class BoardFilters:
    type: str = ""
    region: str = ""
    risk: str = ""
    status: str = ""  # "" means every active state


def board_incidents(filters: BoardFilters, user, now=None) -> list[Incident]:
    """Return the incidents of the user's regions for the board, filtered, highest priority first."""
    incidents = list(_board_queryset(filters, user, now or timezone.now())[:BOARD_LIMIT])
    annotate_context(incidents)
    annotate_latest_alert(incidents)
    if filters.risk:
        incidents = [i for i in incidents if i.monitor_risk == filters.risk]
    if filters.region:
        # Unknown region matches every region filter: a missing region must not hide an incident.
        incidents = [i for i in incidents if i.monitor_region in (filters.region, "")]
    annotate_positions(incidents)
    return sorted(incidents, key=board_sort_key)


def unregioned_open_incidents() -> int:
    """Count the open incidents whose ban lies in no monitoring region: only supervisors see them.

    Every board shows the count, so a ban registered without a region is noticed, not silently unwatched.
    """
    return _unregioned_open().count()


def _unregioned_open():
    return Incident.objects.active().filter(ban__isnull=False, ban__monitor_region__isnull=True)


def board_fingerprint(filters: BoardFilters, user, now=None) -> str:
    """Return a cheap token that changes when the board's incidents change (one statement, compiled once).

    New and closed incidents change the count or highest id; operator actions
    and state changes raise a version; fixes inside a zone raise fix_count;
    deliveries, retries and acknowledgements of alerts change the outbox's figures.
    The time bucket makes the board re-render at least every REFRESH_SECONDS,
    so a change none of these catch (a region set in the admin) still arrives.
    """
    now = now or timezone.now()
    sql, params = _fingerprint_statement(filters, user)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        figures = cursor.fetchone()
    bucket = int(now.timestamp()) // REFRESH_SECONDS
    regions = regions_of(user)
    scope = "all" if regions is None else ",".join(sorted(regions))
    return f"{figures}|{bucket}|{translation.get_language()}|{filters}|{scope}"


# A poll that finds nothing new costs this one statement: building it with the ORM (the region filter above
# all) took longer than running it, so it is built once per region scope and filters and kept.
_FINGERPRINT_STATEMENTS: dict[tuple, tuple[str, tuple]] = {}
_FINGERPRINT_STATEMENTS_MAX = 256


def _fingerprint_statement(filters: BoardFilters, user) -> tuple[str, tuple]:
    key = (connection.alias, connection.vendor, regions_of(user), filters)
    statement = _FINGERPRINT_STATEMENTS.get(key)
    if statement is None:
        if len(_FINGERPRINT_STATEMENTS) >= _FINGERPRINT_STATEMENTS_MAX:
            _FINGERPRINT_STATEMENTS.clear()
        statement = _FINGERPRINT_STATEMENTS[key] = _compile_fingerprint(filters, user)
    return statement


def _compile_fingerprint(filters: BoardFilters, user) -> tuple[str, tuple]:
    """Return the SQL and parameters of one row of the board's figures; the clock is the database's."""
    now = Now()
    incidents = _one_row(
        _board_queryset(filters, user, now),
        n=Count("id"), top=Max("id"), v=Sum("version"), f=Sum("fix_count"), fix=Max("last_fix_id"),
        t=Max("updated_at"),
    )  # fmt: skip
    outbox = _one_row(
        _alerts_visible_to(user).filter(Q(status=AlertStatus.PENDING) | Q(published_at__gte=now - CLOSED_WINDOW)),
        p=Count("id", filter=Q(status=AlertStatus.PENDING)),
        u=Max("published_at"),
        s=Count("undelivered_seen_at"),
        a=Max("attempts"),
    )
    unregioned = _one_row(_unregioned_open(), c=Count("id"))
    parts = [incidents, outbox, unregioned]
    sql = " CROSS JOIN ".join(f"({part_sql}) AS f{k}" for k, (part_sql, _params) in enumerate(parts))
    return f"SELECT * FROM {sql}", tuple(p for _sql, params in parts for p in params)  # noqa: S608


def _one_row(queryset, **aggregates) -> tuple[str, tuple]:
    """Return the SQL and parameters of one row of the aggregates over the queryset (what .aggregate() runs)."""
    constant = Value(1, output_field=IntegerField())
    row = queryset.order_by().annotate(one=constant).values("one").annotate(**aggregates).values_list(*aggregates)
    try:
        return row.query.sql_with_params()
    except EmptyResultSet:  # a user who may see nothing (an operator without a region): a row of nothing
        return "SELECT " + ", ".join("NULL" for _ in aggregates), ()


def _board_queryset(filters: BoardFilters, user, now):
    qs = (
        Incident.objects.visible_to(user)
        .select_related(
            "ban__decision", "ban__monitor_region", "person", "protected_person", "device", "last_fix", "assigned_to"
        )
        .only(*BOARD_COLUMNS)
    )
    if filters.status == IncidentState.CLOSED:
        qs = qs.filter(state=IncidentState.CLOSED, closed_at__gte=now - CLOSED_WINDOW)
    elif filters.status:
        qs = qs.filter(state=filters.status)
    else:
        qs = qs.active()
    if filters.type:
        qs = qs.filter(type=filters.type)
    return qs.board_order()


def board_sort_key(incident: Incident) -> tuple:
    """Sort key: priority, then risk, definite before possible, nearer and sooner first, then oldest."""
    inf = float("inf")
    return (
        incident.priority,
        -RiskLevel.rank(incident.monitor_risk),
        not incident.definite,
        incident.monitor_distance_m if incident.monitor_distance_m is not None else inf,
        incident.eta_min if incident.eta_min is not None else inf,
        incident.opened_at,
        incident.pk,
    )


def annotate_context(incidents: list[Incident]) -> None:
    """Attach risk, region and current distance to each incident (two queries for all of them)."""
    from .geometry import distance_to_protected_m

    fallback = _person_context([i.person_id for i in incidents if i.ban_id is None and i.person_id])
    for incident in incidents:
        risk, region = _ban_context(incident.ban) if incident.ban_id else fallback.get(incident.person_id, ("", ""))
        incident.monitor_risk = risk
        incident.monitor_region = region
        incident.monitor_distance_m = distance_to_protected_m(incident)


def annotate_latest_alert(incidents: list[Incident]) -> None:
    """Attach each incident's newest police alert (None when it has none) in one query."""
    latest: dict[int, AlertOutbox] = {}
    for alert in AlertOutbox.objects.filter(incident_id__in=[i.pk for i in incidents]).order_by("created_at", "id"):
        latest[alert.incident_id] = alert
    for incident in incidents:
        incident.monitor_alert = latest.get(incident.pk)


def undelivered_alerts(user) -> list[AlertOutbox]:
    """Return the alerts of the user's regions pending longer than ALERT_UNDELIVERED_SECONDS, oldest first."""
    return list(_alerts_visible_to(user).undelivered()[:BOARD_LIMIT])


def _alerts_visible_to(user):
    if regions_of(user) is None:
        return AlertOutbox.objects.all()  # also alerts whose incident is gone: nobody may miss them
    return AlertOutbox.objects.filter(incident_id__in=Incident.objects.visible_to(user).values("pk"))


def _ban_context(ban: Ban) -> tuple[str, str]:
    region = getattr(ban, "monitor_region", None)
    return ban.decision.sash_risk or "", region.region if region else ""


def _person_context(person_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Return, per person, the highest risk and a region of their bans in force (device incidents have no ban)."""
    context: dict[int, tuple[str, str]] = {}
    if not person_ids:
        return context
    bans = Ban.objects.in_force().filter(person_id__in=person_ids).select_related("decision", "monitor_region")
    for ban in bans:
        risk, region = _ban_context(ban)
        old_risk, old_region = context.get(ban.person_id, ("", ""))
        best = risk if RiskLevel.rank(risk) > RiskLevel.rank(old_risk) else old_risk
        context[ban.person_id] = (best, old_region or region)
    return context


def incident_for_page(pk: int, user) -> Incident | None:
    """Return one incident with everything its page shows, or None (also outside the user's regions)."""
    incident = (
        Incident.objects.visible_to(user)
        .select_related(
            "ban__decision",
            "ban__monitor_region",
            "person",
            "protected_person",
            "device__vendor",
            "device__status",
            "last_fix",
            "assigned_to",
        )
        .filter(pk=pk)
        .first()
    )
    if incident is not None:
        annotate_context([incident])
        annotate_positions([incident])
    return incident


def zone_bans(incident: Incident) -> list[Ban]:
    """Return the bans whose zones the map shows: the incident's, else the person's zones in force."""
    if incident.ban_id:
        return [incident.ban]
    if not incident.person_id:
        return []
    kinds = [BanKind.AREA, BanKind.PRESENCE]
    return list(Ban.objects.in_force().filter(person_id=incident.person_id, kind__in=kinds).select_related("decision"))


def recent_track(incident: Incident) -> list[Fix]:
    """Return the device's fixes from before the incident opened up to now (or its close), oldest first."""
    if not incident.device_id:
        return []
    start = incident.opened_at - timedelta(hours=settings.MONITOR_TRACK_HOURS)
    qs = Fix.objects.filter(device_id=incident.device_id, ts__gte=start)
    if incident.closed_at:
        qs = qs.filter(ts__lte=incident.closed_at)
    return list(reversed(qs.order_by("-ts")[:TRACK_LIMIT]))


def alert_rows(incident_id: int) -> list[AlertOutbox]:
    alerts = AlertOutbox.objects.filter(incident_id=incident_id).prefetch_related("police_steps")
    return list(alerts.order_by("created_at", "id"))


def timeline(incident: Incident):
    return incident.timeline.select_related("actor").order_by("-at", "-id")


def monitor_operators():
    """Return the active users who may take an incident: operators and supervisors."""
    roles = [Role.MONITORING_OPERATOR.value, Role.SUPERVISOR.value]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles)
        .distinct()
        .order_by("username")
        .only("id", "username", "first_name", "last_name")
    )


def monitored_devices(user):
    """Return the devices in use in the user's regions with their status and current wearer."""
    now = timezone.now()
    return (
        Device.objects.visible_to(user, at=now)
        .filter(active=True)
        .select_related("vendor", "status")
        .prefetch_related(_current_assignments(now))
        .order_by("vendor__slug", "device_id")
    )


def _current_assignments(now):
    current = DeviceAssignment.objects.at(now).select_related("person", "protected_person")
    return Prefetch("assignments", queryset=current, to_attr="current_assignments")


def person_regions(person_ids: list[int]) -> dict[int, str]:
    """Return the region of each person's bans in force ("" unknown), as the board finds it for device incidents."""
    return {person_id: region for person_id, (_risk, region) in _person_context(person_ids).items()}
