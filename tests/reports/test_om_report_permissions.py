"""Operators and registrars draft and send; only registrars record the OM's assessment; officers see nothing."""

import pytest

from geofence.reports.models import ViolationReport


@pytest.fixture
def report(scripted_incident, users):
    from geofence.reports.services import draft_report

    return draft_report(scripted_incident, users["carol"], "operator_confirmed")[0]


def reads(report):
    return [
        "/api/v1/reports/",
        "/api/v1/reports/overdue",
        f"/api/v1/reports/{report.pk}/",
        f"/api/v1/reports/{report.pk}/pdf",
        f"/api/v1/reports/{report.pk}/json",
    ]


@pytest.mark.parametrize("name", ["bob", "dave", "frank"])
def test_officers_feeds_and_dispatch_are_refused(report, client_for, name):
    client = client_for(name)
    for url in reads(report):
        assert client.get(url).status_code == 403, url
    assert client.post("/api/v1/reports/", {"incident": report.incident_id}, format="json").status_code == 403
    assert client.post(f"/api/v1/reports/{report.pk}/sent").status_code == 403
    assert client.post(f"/api/v1/reports/{report.pk}/assessment", {"outcome": "warning"}).status_code == 403


def test_anonymous_must_authenticate(report, client_for):
    for url in reads(report):
        assert client_for(None).get(url).status_code == 401


def test_supervisor_reads_only(report, client_for):
    client = client_for("erin")
    for url in reads(report):
        assert client.get(url).status_code == 200, url
    assert client.post(f"/api/v1/reports/{report.pk}/sent").status_code == 403


def test_operator_sends_but_cannot_record_the_assessment(report, client_for):
    client = client_for("carol")
    assert client.post(f"/api/v1/reports/{report.pk}/sent").status_code == 200
    assert client.post(f"/api/v1/reports/{report.pk}/assessment", {"outcome": "warning"}).status_code == 403
    assert ViolationReport.objects.get(pk=report.pk).outcome == ""
