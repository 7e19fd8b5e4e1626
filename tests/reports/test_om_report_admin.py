"""Registrars enter the OM's assessment in the admin too; it goes through the audited service."""

from geofence.reports.models import ReportStatus, ViolationReport
from geofence.reports.services import draft_report, mark_sent
from registry.models import AuditEntry


def test_assessment_entered_in_the_admin_is_recorded_and_audited(scripted_incident, users, client):
    report = mark_sent(draft_report(scripted_incident, users["carol"], "operator_confirmed")[0], users["carol"])
    alice = users["alice"]
    alice.is_staff = alice.is_superuser = True
    alice.save()
    client.force_login(alice)

    url = f"/admin/reports/violationreport/{report.pk}/change/"
    response = client.post(url, {"outcome": "warning", "assessment_note": "Eerste keer", "om_reference": "OM-9"})

    assert response.status_code == 302, response.content[:500]
    report = ViolationReport.objects.get(pk=report.pk)
    assert (report.status, report.outcome, report.assessed_by) == (ReportStatus.ASSESSED, "warning", alice)
    assert AuditEntry.objects.filter(action="om_report.assessed", actor_name="alice").count() == 1


def test_overdue_filter_page_renders(scripted_incident, users, client):
    alice = users["alice"]
    alice.is_staff = alice.is_superuser = True
    alice.save()
    client.force_login(alice)
    assert client.get("/admin/reports/violationreport/?assessment_overdue=yes").status_code == 200
