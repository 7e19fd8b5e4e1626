"""Send to the OM, record the assessment once, audited; overdue when not assessed in time."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from reports_support import AMS

from geofence.incidents.services import add_timeline_entry
from geofence.reports.models import ReportStatus, ViolationReport
from registry.models import AuditEntry

SENT = datetime(2026, 5, 13, 9, 0, tzinfo=AMS)


@pytest.fixture
def report(scripted_incident, client_for):
    response = client_for("carol").post("/api/v1/reports/", {"incident": scripted_incident.pk}, format="json")
    return ViolationReport.objects.get(pk=response.json()["id"])


def send(client, report):
    return client.post(f"/api/v1/reports/{report.pk}/sent", format="json")


def assess(client, report, **body):
    return client.post(f"/api/v1/reports/{report.pk}/assessment", body, format="json")


def test_assessment_is_recorded_and_audited(report, client_for):
    assert send(client_for("carol"), report).status_code == 200

    response = assess(client_for("alice"), report, outcome="prosecution", note="Dagvaarding", om_reference="OM-77")

    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert (report.status, report.outcome, report.om_reference) == (ReportStatus.ASSESSED, "prosecution", "OM-77")
    entry = AuditEntry.objects.get(action="om_report.assessed")
    assert (entry.actor_name, entry.target_id, entry.details["outcome"]) == ("alice", str(report.pk), "prosecution")
    assert entry.person_ids == [report.incident.person_id]
    assert AuditEntry.objects.filter(action__in=["om_report.drafted", "om_report.sent"]).count() == 2


def test_assessment_before_sending_is_a_conflict(report, client_for):
    assert assess(client_for("alice"), report, outcome="warning").status_code == 409


def test_assessment_is_recorded_once(report, client_for):
    send(client_for("alice"), report)
    assess(client_for("alice"), report, outcome="warning")
    assert assess(client_for("alice"), report, outcome="prosecution").status_code == 409
    assert ViolationReport.objects.get(pk=report.pk).outcome == "warning"


def test_unknown_outcome_is_a_field_error(report, client_for):
    send(client_for("alice"), report)
    response = assess(client_for("alice"), report, outcome="pardon")
    assert response.status_code == 400 and "outcome" in response.json()


def test_sent_report_is_frozen(report, client_for, users):
    send(client_for("carol"), report)
    add_timeline_entry(report.incident, "note", at=timezone.now(), actor=users["carol"], note="Later toegevoegd.")
    body = client_for("alice").get(f"/api/v1/reports/{report.pk}/json").json()
    assert "Later toegevoegd." not in [e["note"] for e in body["timeline"]]


def test_draft_picks_up_later_notes(report, client_for, users):
    add_timeline_entry(report.incident, "note", at=timezone.now(), actor=users["carol"], note="Later toegevoegd.")
    body = client_for("alice").get(f"/api/v1/reports/{report.pk}/json").json()
    assert "Later toegevoegd." in [e["note"] for e in body["timeline"]]


def overdue_ids(client) -> list[int]:
    return [row["id"] for row in client.get("/api/v1/reports/overdue").json()["results"]]


def test_assessment_overdue_after_fourteen_days(report, client_for):
    with time_machine.travel(SENT, tick=False):
        send(client_for("carol"), report)
    with time_machine.travel(SENT + timedelta(days=14) - timedelta(seconds=1), tick=False):
        assert overdue_ids(client_for("alice")) == []
    with time_machine.travel(SENT + timedelta(days=14), tick=False):
        assert overdue_ids(client_for("alice")) == [report.pk]
        assess(client_for("alice"), report, outcome="no_further_action")
        assert overdue_ids(client_for("alice")) == []


def test_assessment_due_days_come_from_settings(report, client_for, settings):
    settings.OM_ASSESSMENT_DUE_DAYS = 2
    with time_machine.travel(SENT, tick=False):
        send(client_for("carol"), report)
    with time_machine.travel(SENT + timedelta(days=2), tick=False):
        assert overdue_ids(client_for("erin")) == [report.pk]


def test_drafted_report_is_never_assessment_overdue(report, client_for):
    with time_machine.travel(SENT + timedelta(days=60), tick=False):
        assert overdue_ids(client_for("alice")) == []
