"""The statistics page and its CSV export: the figures of statistics.py as charts, tables and rows."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from geofence.models import IncidentType

from . import statistics
from .charts import bar_chart
from .presenters import label

DEFAULT_DAYS = 30


class PeriodError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def period_from(params) -> statistics.Period:
    """Return the period of the query's `from` and `to` (dates, Amsterdam); the last 30 days by default."""
    today = timezone.localdate()
    last = _date(params, "to", today)
    first = _date(params, "from", last - timedelta(days=DEFAULT_DAYS - 1))
    if first > last:
        raise PeriodError("from", _("De begindatum ligt na de einddatum."))
    if (last - first).days + 1 > statistics.MAX_DAYS:
        raise PeriodError("to", _("Kies hoogstens %(n)d dagen.") % {"n": statistics.MAX_DAYS})
    return statistics.Period(first, last)


def _date(params, name: str, default: date) -> date:
    text = (params.get(name) or "").strip()
    if not text:
        return default
    try:
        value = parse_date(text)
    except ValueError:
        value = None
    if value is None:
        raise PeriodError(name, _("Geef een datum als JJJJ-MM-DD."))
    return value


def figures(period: statistics.Period) -> dict:
    return {
        "alerts": statistics.alerts_per_day(period),
        "waits": statistics.time_to_acknowledge(period),
        "false": statistics.false_alarms(period),
        "uptime": statistics.device_uptime(period),
    }


def _minutes(seconds):
    return None if seconds is None else round(seconds / 60, 1)


def _percent(share):
    return None if share is None else round(100 * share, 1)


def charts(period: statistics.Period, data: dict) -> dict:
    """Return the four charts of the page."""
    types = sorted({t for day in data["alerts"].values() for t in day})
    alert_groups = [
        (day.strftime("%d-%m"), [data["alerts"].get(day, {}).get(t, 0) for t in types]) for day in period.days()
    ]
    if not types:
        alert_groups = []
    waits = data["waits"]
    false_types = [t for t in data["false"] if t]
    return {
        "alerts": bar_chart(
            _("Meldingen aan de politie per dag, per soort"),
            alert_groups,
            [label(IncidentType, t) for t in types],
            stacked=True,
            counts=True,
        ),
        "waits": bar_chart(
            _("Tijd tot in behandeling genomen (minuten)"),
            [(f"P{p}", [_minutes(waits[p]["p50"]), _minutes(waits[p]["p90"])]) for p in statistics.PRIORITIES],
            ["p50", "p90"],
            unit=" min",
        ),
        "false": bar_chart(
            _("Aandeel loos alarm van de gesloten incidenten"),
            [(label(IncidentType, t), [_percent(data["false"][t]["share"])]) for t in false_types],
            [_("loos alarm")],
            unit="%",
            top=100,
        ),
        "uptime": bar_chart(
            _("Beschikbaarheid apparaten per leverancier"),
            [(name, [_percent(row["uptime"])]) for name, row in data["uptime"].items()],
            [_("beschikbaar")],
            unit="%",
            top=100,
        ),
    }


def csv_rows(period: statistics.Period, data: dict):
    """Yield the export's rows: figure, key, series, value (header first)."""
    yield ["cijfer", "sleutel", "reeks", "waarde"]
    for day, per_type in sorted(data["alerts"].items()):
        for incident_type, n in sorted(per_type.items()):
            yield ["meldingen_per_dag", day.isoformat(), incident_type, n]
    for priority, row in data["waits"].items():
        key = f"P{priority}" if priority else "alle"
        yield ["tijd_tot_behandeling_n", key, "", row["n"]]
        for p in statistics.PERCENTILES:
            value = row[f"p{p}"]
            yield ["tijd_tot_behandeling_s", key, f"p{p}", "" if value is None else round(value, 1)]
    for incident_type, row in sorted(data["false"].items()):
        key = incident_type or "alle"
        yield ["loos_alarm", key, "gesloten", row["closed"]]
        yield ["loos_alarm", key, "loos_alarm", row["false_alarms"]]
        yield ["loos_alarm", key, "aandeel", "" if row["share"] is None else round(row["share"], 4)]
    for vendor, row in data["uptime"].items():
        yield ["beschikbaarheid", vendor, "apparaten", row["devices"]]
        yield ["beschikbaarheid", vendor, "stil_s", round(row["silent_s"])]
        yield ["beschikbaarheid", vendor, "aandeel", round(row["uptime"], 4)]
