"""Prometheus metrics: read from the database at scrape time wherever the database knows the figure.

Gunicorn runs several worker processes and Celery runs in other containers,
so a counter kept in one process would show that process's share only. The
figures below are therefore computed from the database on each scrape; the
one exception is the feed counter (accepted, duplicate, rejected fixes), which
the database does not keep: config/metrics.py counts it in the feed view,
summed over the gunicorn workers through PROMETHEUS_MULTIPROC_DIR when that
is set (docs/operations.md).
"""

import os
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeHistogramMetricFamily, GaugeMetricFamily

from config.metrics import FIXES
from geofence.incidents.zones import catalogue_age_seconds
from geofence.models import DeviceStatus, Incident

from .health import canary_ages
from .models import AlertOutbox, AlertStatus

# Fix measured -> alert on the police queue, in seconds; the last bucket is +Inf.
LATENCY_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600)
LATENCY_WINDOW = timedelta(hours=1)


class DatabaseCollector:
    """Figures that the database holds: outbox, incidents, evaluation lag, latency, canaries, catalogue age."""

    def collect(self):
        now = timezone.now()
        yield from _outbox(now)
        yield _incidents_opened()
        yield _evaluation_lag()
        yield _alert_latency(now)
        yield _canary_ages()
        yield _catalogue_age()

    def describe(self):
        return []  # computed at scrape time only: no queries when the collector is registered


def _outbox(now):
    pending = GaugeMetricFamily("banwatch_alerts_pending", "Alerts not yet on the police queue (any age).")
    pending.add_metric([], AlertOutbox.objects.filter(status=AlertStatus.PENDING).count())
    undelivered = GaugeMetricFamily(
        "banwatch_alerts_undelivered", "Alerts pending longer than ALERT_UNDELIVERED_SECONDS (health fails on them)."
    )
    undelivered.add_metric([], AlertOutbox.objects.undelivered(now).count())
    return pending, undelivered


def _incidents_opened():
    metric = CounterMetricFamily("banwatch_incidents_opened", "Incidents opened, by type.", labels=["type"])
    for row in Incident.objects.order_by().values("type").annotate(n=Count("id")):
        metric.add_metric([row["type"]], row["n"])
    return metric


def _evaluation_lag():
    """The largest gap between a device's newest fix and the event time evaluation has reached."""
    behind = DeviceStatus.objects.filter(last_fix_at__gt=F("evaluated_until")).annotate(
        lag=ExpressionWrapper(F("last_fix_at") - F("evaluated_until"), output_field=DurationField())
    )
    lag = behind.aggregate(worst=Max("lag"))["worst"]
    metric = GaugeMetricFamily(
        "banwatch_evaluation_lag_seconds", "Largest time between a device's newest fix and its evaluated fixes."
    )
    metric.add_metric([], lag.total_seconds() if lag else 0.0)
    return metric


def _alert_latency(now):
    """Histogram of fix time -> published_at over the alerts published in the last hour."""
    latencies = AlertOutbox.objects.filter(published_at__gte=now - LATENCY_WINDOW, fix_at__isnull=False).values_list(
        "fix_at", "published_at"
    )
    seconds = sorted(max((published - fix).total_seconds(), 0.0) for fix, published in latencies)
    buckets = [(str(b), sum(1 for s in seconds if s <= b)) for b in LATENCY_BUCKETS] + [("+Inf", len(seconds))]
    metric = GaugeHistogramMetricFamily(
        "banwatch_alert_latency_seconds",
        "Seconds from the measured fix to the alert on the police queue, alerts published in the last hour.",
    )
    metric.add_metric([], buckets, gsum_value=sum(seconds))
    return metric


def _canary_ages():
    metric = GaugeMetricFamily(
        "banwatch_canary_age_seconds", "Seconds since a worker ran the queue's canary (-1: never).", labels=["queue"]
    )
    for queue, age in canary_ages().items():
        metric.add_metric([queue], -1.0 if age is None else age)
    return metric


def _catalogue_age():
    age = catalogue_age_seconds()
    metric = GaugeMetricFamily(
        "banwatch_zone_catalogue_age_seconds",
        "Seconds since this web process built its zone catalogue (-1: none built yet).",
    )
    metric.add_metric([], -1.0 if age is None else age)
    return metric


def exposition() -> bytes:
    """Return the text exposition of every metric for one scrape."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(FIXES)
    registry.register(DatabaseCollector())
    return generate_latest(registry)


def bearer_token_ok(header: str) -> bool:
    """Return True when the Authorization header carries METRICS_TOKEN (never when no token is set)."""
    import hmac

    token = settings.METRICS_TOKEN
    return bool(token) and hmac.compare_digest(header.encode(), f"Bearer {token}".encode())
