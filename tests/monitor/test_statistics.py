"""The statistics page's figures on a known data set, its charts, its CSV export and its access."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from geofence.alerts.models import AlertOutbox
from geofence.models import Incident, IncidentEvent, IncidentType
from geofence.monitor import statistics

AMS = ZoneInfo("Europe/Amsterdam")
PERIOD = statistics.Period(date(2026, 11, 2), date(2026, 11, 4))
QUERY = "?from=2026-11-02&to=2026-11-04"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=AMS)


@pytest.fixture
def known(make_incident, users):
    """Seven incidents, their acknowledgements and alerts, with hand-computed figures in the tests."""

    def incident(type, created, priority, closed=None, reason="", acked_after_s=None, alerts=()):
        row = make_incident(type=type, priority=priority, opened_at=created, definite=True)
        state = "closed" if closed else "open"
        Incident.objects.filter(pk=row.pk).update(
            created_at=created, state=state, closed_at=closed, closed_reason=reason
        )
        if acked_after_s is not None:
            IncidentEvent.objects.create(
                incident=row, action="acknowledged", at=created + timedelta(seconds=acked_after_s), actor=users["carol"]
            )
        for when in alerts:
            alert = AlertOutbox.objects.create(incident_id=row.pk, change="opened", message={})
            AlertOutbox.objects.filter(pk=alert.pk).update(created_at=when)
        return row

    zone, silent, tamper = IncidentType.ZONE_VIOLATION, IncidentType.DEVICE_SILENT, IncidentType.STRAP_TAMPER
    incident(zone, at(2, 10), 1, at(2, 12), "false_alarm", 60, alerts=[at(2, 10), at(2, 12)])
    # 00:30 in Amsterdam is still 2 November in UTC: the alert counts on the 3rd.
    incident(zone, at(3, 0, 30), 1, at(3, 12), "violation_confirmed", 300, alerts=[at(3, 0, 30)])
    incident(zone, at(3, 11), 1, acked_after_s=120, alerts=[at(5, 0, 30)])  # alert after the period
    incident(silent, at(3, 0), 3, at(3, 12), "device_fault")  # 12 h silent
    incident(tamper, at(4, 9), 2, at(4, 10), "false_alarm", alerts=[at(4, 9)])
    incident(silent, at(1, 22), 3, at(2, 2), "person_returned")  # 2 h of it inside the period
    incident(silent, at(4, 20), 3)  # still silent: 4 h until the period ends


def test_alerts_per_amsterdam_day_and_type(known):
    assert statistics.alerts_per_day(PERIOD) == {
        date(2026, 11, 2): {"zone_violation": 2},
        date(2026, 11, 3): {"zone_violation": 1},
        date(2026, 11, 4): {"strap_tamper": 1},
    }


def test_time_to_acknowledge_percentiles_by_nearest_rank(known):
    waits = statistics.time_to_acknowledge(PERIOD)
    # Waits of 60, 300 and 120 s: p50 is the 2nd smallest (ceil(1.5)), p90 the 3rd (ceil(2.7)).
    assert waits[None] == {"n": 3, "p50": 120.0, "p90": 300.0}
    assert waits[1] == waits[None]
    assert waits[2] == {"n": 0, "p50": None, "p90": None}


def test_false_alarm_share_of_closed_incidents(known):
    shares = statistics.false_alarms(PERIOD)
    assert shares[""] == {"closed": 5, "false_alarms": 2, "share": 2 / 5}
    assert shares["zone_violation"] == {"closed": 2, "false_alarms": 1, "share": 0.5}
    assert shares["strap_tamper"]["share"] == 1.0


def test_device_uptime_per_vendor(known):
    period_s = 3 * 24 * 3600
    silent_s = (12 + 2 + 4) * 3600
    row = statistics.device_uptime(PERIOD)["Trackwell BV"]
    assert row["devices"] == 7
    assert row["silent_s"] == silent_s
    assert row["uptime"] == pytest.approx(1 - silent_s / (7 * period_s))


def test_page_draws_four_svg_charts(browser_client, known):
    response = browser_client("erin").get("/monitor/statistiek/" + QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 4
    assert "02-11 · gebiedsverbod overtreden: 2</title>" in html
    assert "P1 · p90: 5 min</title>" in html


def test_csv_export_has_the_same_figures(browser_client, known):
    response = browser_client("carol").get("/monitor/statistiek/export.csv" + QUERY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["cijfer", "sleutel", "reeks", "waarde"]
    assert ["meldingen_per_dag", "2026-11-03", "zone_violation", "1"] in rows
    assert ["tijd_tot_behandeling_s", "P1", "p90", "300.0"] in rows
    assert ["loos_alarm", "alle", "aandeel", "0.4"] in rows


def test_bad_period_is_400_naming_the_field(browser_client):
    client = browser_client("carol")
    assert client.get("/monitor/statistiek/export.csv?from=2026-11-05&to=2026-11-01").json()["field"] == "from"
    response = client.get("/monitor/statistiek/?from=gisteren")
    assert response.status_code == 400
    assert 'data-field="from"' in response.content.decode()
    assert client.get("/monitor/statistiek/export.csv?from=2025-01-01&to=2026-11-01").json()["field"] == "to"


@pytest.mark.parametrize("url", ["/monitor/statistiek/", "/monitor/statistiek/export.csv", "/monitor/overdracht/"])
def test_pages_refuse_other_roles_and_send_anonymous_to_login(browser_client, url):
    assert browser_client("alice").get(url).status_code == 403
    assert browser_client("frank").get(url).status_code == 403
    assert browser_client(None).get(url)["Location"].startswith("/accounts/login/")


def test_chart_coordinates_are_not_localised(browser_client, known):
    html = browser_client("carol").get("/monitor/statistiek/" + QUERY).content.decode()
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'y="' in svg and not any("," in value.split('"')[0] for value in svg.split(' y="')[1:])
