"""The registrar's desk at /registratie/ lists the OM reports whose assessment is overdue."""

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

    with time_machine.travel(SENT + timedelta(days=13), tick=False):
        assert f"/admin/reports/violationreport/{report.pk}/" not in client.get("/registratie/").content.decode()
    with time_machine.travel(SENT + timedelta(days=14), tick=False):
        assert f"/admin/reports/violationreport/{report.pk}/" in client.get("/registratie/").content.decode()
