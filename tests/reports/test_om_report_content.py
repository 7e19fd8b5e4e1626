"""The report an OM assessor reads: the facts of a scripted violation, in PDF and JSON."""

from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader
from reportlab.graphics.shapes import Drawing, PolyLine

from geofence.alerts.models import AlertOutbox
from geofence.incidents.services import add_timeline_entry
from geofence.models import Incident, IncidentType
from geofence.reports.pdf import _map_block
from geofence.reports.services import ReportStateError, draft_report


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


@pytest.fixture
def confirmed(scripted_incident, client_for, users):
    add_timeline_entry(
        scripted_incident, "note", at=timezone.now(), actor=users["carol"], note="Betrokkene reed door de wijk."
    )
    AlertOutbox.objects.filter(incident_id=scripted_incident.pk, change="opened").update(
        acknowledged_at=timezone.now(),
        acknowledged_by="meldkamer-midden",
        police_outcome="officer_sent",
        police_note="Eenheid 12-04 ter plaatse.",
    )
    response = client_for("carol").post("/api/v1/reports/", {"incident": scripted_incident.pk}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_pdf_states_the_facts_and_the_closest_distance(confirmed, scripted_incident, client_for):
    response = client_for("alice").get(f"/api/v1/reports/{confirmed['id']}/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    ban = scripted_incident.ban
    assert "Kleinste afstand tot beschermde locatie 3.000 m om 12-05-2026 14:04:00 (nauwkeurigheid ± 15 m)" in text
    assert "Binnengekomen 12-05-2026 14:02:00" in text
    assert "Verlaten 12-05-2026 14:09:00" in text
    assert ban.person.full_name in text
    assert ban.decision.reference in text
    assert "gedragsaanwijzing OM (art. 509hh Sv)" in text
    assert "batterij bijna leeg" in text
    assert "Betrokkene reed door de wijk." in text
    assert "meldkamer-midden" in text and "Eenheid 12-04 ter plaatse." in text
    assert "Kaart van het spoor" in text


def test_json_has_the_track_with_accuracy(confirmed, client_for):
    body = client_for("alice").get(f"/api/v1/reports/{confirmed['id']}/json").json()

    assert body["report"]["status"] == "drafted"
    assert len(body["track"]) == 10
    assert [p["accuracy_m"] for p in body["track"]] == [8, 8, 12, 10, 15, 9, 8, 11, 8, 8]
    assert [p["inside"] for p in body["track"]] == [False, False, True, True, True, True, True, False, False, False]
    assert body["closest_approach"]["distance_m"] == pytest.approx(3000, abs=0.1)
    assert body["times"]["duration_s"] == 7 * 60
    assert body["ban"]["legal_basis"] == "gedragsaanwijzing"
    assert [e["type"] for e in body["device_events"]] == ["low_battery"]
    assert body["police"][0]["outcome"] == "officer_sent"


def test_track_map_draws_every_fix(confirmed):
    from geofence.reports.models import ViolationReport

    facts = ViolationReport.objects.get(pk=confirmed["id"]).facts
    drawing = next(item for item in _map_block(facts) if isinstance(item, Drawing))
    (line,) = [s for s in drawing.contents if isinstance(s, PolyLine)]
    assert len(line.points) == 2 * 10


def test_confirming_twice_returns_the_same_report(confirmed, scripted_incident, client_for):
    again = client_for("alice").post("/api/v1/reports/", {"incident": scripted_incident.pk}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == confirmed["id"]


def test_police_arrest_outcome_drafts_a_report(scripted_incident):
    alert = AlertOutbox.objects.filter(incident_id=scripted_incident.pk).first()
    alert.police_outcome = "arrest"
    alert.save()
    assert scripted_incident.om_report.basis == "police_reported"


def test_operator_closing_as_confirmed_violation_drafts_a_report(scripted_incident):
    from geofence.incidents.services import Action, change_state, open_incident

    incident = open_incident(
        type=IncidentType.ZONE_VIOLATION, at=timezone.now(), ban=scripted_incident.ban, person=scripted_incident.person
    )
    change_state(incident, Action.CLOSE, reason="violation_confirmed")
    assert Incident.objects.get(pk=incident.pk).om_report.basis == "operator_confirmed"


def test_device_incident_is_not_a_violation_report(scripted_incident, users):
    from geofence.incidents.services import open_incident

    silent = open_incident(type=IncidentType.DEVICE_SILENT, at=timezone.now(), device=scripted_incident.device)
    with pytest.raises(ReportStateError):
        draft_report(silent, users["carol"], "operator_confirmed")


def test_unknown_incident_is_a_field_error(db, client_for, users):
    response = client_for("carol").post("/api/v1/reports/", {"incident": 99999}, format="json")
    assert response.status_code == 400
    assert "incident" in response.json()
