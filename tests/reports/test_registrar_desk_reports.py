"""The registrar's desk at /registratie/ lists the OM reports to assess, marked late once overdue."""

from datetime import datetime, timedelta

import time_machine
from reports_support import AMS

from geofence.reports.models import ViolationReport

SENT = datetime(2026, 5, 13, 9, 0, tzinfo=AMS)


def test_report_not_assessed_in_time_is_listed(scripted_incident, client_for, client, users):
    created = client_for("carol").post("/api/v1/reports/", {"incident": scripted_incident.pk}, format="json")
    report = ViolationReport.objects.get(pk=created.json()["id"])
    with time_machine.travel(SENT, tick=False):
        client_for("carol").post(f"/api/v1/reports/{report.pk}/sent", format="json")
    client.force_login(users["alice"])

    link = f"/admin/reports/violationreport/{report.pk}/"
    with time_machine.travel(SENT + timedelta(days=6), tick=False):
        assert link not in client.get("/registratie/").content.decode()  # beyond the desk's week
    with time_machine.travel(SENT + timedelta(days=13), tick=False):
        assert f'<tr class="upcoming" data-due="{(SENT + timedelta(days=14)).isoformat()}">' in row_of(client, link)
    with time_machine.travel(SENT + timedelta(days=14), tick=False):
        assert '<tr class="late"' in row_of(client, link)


def row_of(client, link: str) -> str:
    html = client.get("/registratie/").content.decode()
    return html.split(link)[0].rsplit("<tr ", 1)[1].join(["<tr ", ""])
