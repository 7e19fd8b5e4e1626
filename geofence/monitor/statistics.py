"""The statistics page's figures, each one aggregate query (or a few) in SQL that SQLite and PostgreSQL share.

- alerts per day and incident type: police alerts (outbox rows) created on each Amsterdam day;
- time to take on: from the moment the system opened an incident (created_at) to its first
  acknowledgement, p50 and p90 per priority (nearest rank: the ceil(p·n)-th smallest);
- false alarms: closed incidents closed with the outcome false_alarm, as a share of all closed;
- device uptime per vendor: 1 − (time inside device_silent incidents) / (active devices × period).
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils import timezone

from geofence.alerts.models import AlertOutbox
from geofence.incidents.states import Action
from geofence.models import CloseOutcome, Device, Incident, IncidentState, IncidentType

PERCENTILES = (50, 90)
PRIORITIES = (1, 2, 3, 4)
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Whole Amsterdam days, first and last included."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def alerts_per_day(period: Period) -> dict[date, dict[str, int]]:
    """Return {day: {incident type: number of police alerts}} for the days with alerts."""
    incident_type = Incident.objects.filter(pk=OuterRef("incident_id")).values("type")[:1]
    rows = (
        AlertOutbox.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()), type=Subquery(incident_type))
        .values("day", "type")
        .annotate(n=Count("id"))
        .order_by("day", "type")
    )
    table: dict[date, dict[str, int]] = {}
    for row in rows:
        table.setdefault(row["day"], {})[row["type"] or ""] = row["n"]
    return table


def _waits(period: Period, priority: int | None = None):
    """Return the incidents opened in the period and taken on, annotated with `wait`, the time until then."""
    qs = Incident.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    if priority is not None:
        qs = qs.filter(priority=priority)
    taken = Min("timeline__at", filter=Q(timeline__action=Action.ACKNOWLEDGE.value))
    wait = ExpressionWrapper(F("taken_at") - F("created_at"), output_field=DurationField())
    return qs.annotate(taken_at=taken).filter(taken_at__isnull=False).annotate(wait=wait)


def time_to_acknowledge(period: Period) -> dict[int | None, dict]:
    """Return per priority (None: all) the count and the p50 and p90 waits in seconds (None without data)."""
    result = {}
    for priority in (None, *PRIORITIES):
        qs = _waits(period, priority)
        n = qs.count()
        figures = {"n": n}
        for p in PERCENTILES:
            rank = max(math.ceil(p / 100 * n), 1)
            value = qs.order_by("wait", "pk").values_list("wait", flat=True)[rank - 1] if n else None
            figures[f"p{p}"] = value.total_seconds() if value is not None else None
        result[priority] = figures
    return result


def false_alarms(period: Period) -> dict[str, dict]:
    """Return per incident type ('' for all) the closed incidents and those closed as a false alarm."""
    closed = Incident.objects.filter(
        state=IncidentState.CLOSED, closed_at__gte=period.start, closed_at__lt=period.end
    ).order_by()
    counts = {"total": Count("id"), "false": Count("id", filter=Q(closed_reason=CloseOutcome.FALSE_ALARM))}
    table = {row["type"]: _share(row) for row in closed.values("type").annotate(**counts)}
    table[""] = _share(closed.aggregate(**counts))
    return table


def _share(row: dict) -> dict:
    total, false = row["total"] or 0, row["false"] or 0
    return {"closed": total, "false_alarms": false, "share": false / total if total else None}


def device_uptime(period: Period) -> dict[str, dict]:
    """Return per vendor name its active devices, the silent time in the period and the uptime share."""
    start, end = Value(period.start, DateTimeField()), Value(period.end, DateTimeField())
    overlap = ExpressionWrapper(
        Least(Coalesce("closed_at", end), end) - Greatest("opened_at", start), output_field=DurationField()
    )
    silent = (
        Incident.objects.filter(type=IncidentType.DEVICE_SILENT, device__isnull=False, opened_at__lt=period.end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=period.start))
        .values("device__vendor__name")
        .annotate(down=Sum(overlap))
        .order_by()
    )
    down = {row["device__vendor__name"]: row["down"] or timedelta(0) for row in silent}
    devices = Device.objects.filter(active=True).values("vendor__name").annotate(n=Count("id")).order_by()
    span = (period.end - period.start).total_seconds()
    table = {}
    for row in devices:
        name, n = row["vendor__name"], row["n"]
        seconds = down.get(name, timedelta(0)).total_seconds()
        table[name] = {"devices": n, "silent_s": seconds, "uptime": max(0.0, 1 - seconds / (n * span))}
    return dict(sorted(table.items()))
