"""Bad ban, decision and person input gets a 400 naming the field and the reason, never a 500."""

import pytest

BAD_GEOJSON_BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[5.0, 52.0], [5.1, 52.1], [5.1, 52.0], [5.0, 52.1], [5.0, 52.0]]],
}
TOO_FEW_POINTS = {"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.1, 52.0], [5.0, 52.0]]]}


# (changes to a valid area ban, field that must carry the error, code or text expected in the message)
BAN_CASES = [
    ({"radius_m": 0}, "radius_m", "50000"),
    ({"radius_m": -5}, "radius_m", "50000"),
    ({"radius_m": 50_001}, "radius_m", "50000"),
    ({"radius_m": "NaN"}, "radius_m", "geldig"),
    ({"radius_m": "veel"}, "radius_m", "geldig"),
    ({"centre_lat": 91}, "centre_lat", "90"),
    ({"centre_lat": "Infinity"}, "centre_lat", "geldig"),
    ({"centre_lon": -181}, "centre_lon", "180"),
    ({"centre_lat": 10.0}, "centre_lat", "ondersteunde gebied"),
    ({"valid_until": "2026-03-01T00:00:00"}, "valid_until", "begindatum"),
    ({"valid_until": "2026-04-01T00:00:00"}, "valid_until", "begindatum"),
    ({"valid_from": "morgen"}, "valid_from", ""),
    ({"kind": "straatverbod"}, "kind", "straatverbod"),
    ({"person": ...}, "person", ""),
    ({"person": 999999}, "person", ""),
    ({"centre_lat": ..., "centre_lon": ...}, "zone_shape", "zone"),
    ({"zone_shape": "circle", "centre_lat": ...}, "centre_lat", "middelpunt"),
    ({"zone_shape": "polygon"}, "zone_geojson", "GeoJSON"),
    ({"zone_shape": "polygon", "zone_geojson": BAD_GEOJSON_BOWTIE}, "zone_geojson", "Self-intersection"),
    ({"zone_shape": "polygon", "zone_geojson": TOO_FEW_POINTS}, "zone_geojson", "GeoJSON"),
    ({"zone_shape": "polygon", "zone_geojson": {"type": "Point", "coordinates": [5, 52]}}, "zone_geojson", "Polygon"),
    ({"zone_shape": "polygon", "zone_geojson": "geen json"}, "zone_geojson", "GeoJSON"),
    ({"time_windows": [{"days": [7], "start": "22:00", "end": "06:00"}]}, "time_windows", "Tijdvenster 1"),
    ({"time_windows": [{"days": [0], "start": "25:00", "end": "06:00"}]}, "time_windows", "Tijdvenster"),
    ({"time_windows": [{"days": [0], "start": "22:00"}]}, "time_windows", "Tijdvenster 1"),
    ({"time_windows": [{"days": ["ma"], "start": "22:00", "end": "06:00"}]}, "time_windows", "maandag"),
    ({"time_windows": {"days": [0]}}, "time_windows", "lijst"),
    ({"status": "revoked"}, "status", "pending"),
    ({"kind": "contact", "centre_lat": ..., "centre_lon": ...}, "protected_persons", "beschermd"),
    ({"kind": "contact", "contact_modes": ["telepathie"]}, "contact_modes", "telepathie"),
]


@pytest.mark.parametrize(("changes", "field", "text"), BAN_CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(BAN_CASES)])
def test_ban_field_error(client_for, ban_body, changes, field, text):
    response = client_for("alice").post("/api/v1/bans/", ban_body(**changes), format="json")
    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors, errors
    assert text in " ".join(errors[field])


def test_valid_area_ban_gets_default_radius(client_for, ban_body):
    response = client_for("alice").post("/api/v1/bans/", ban_body(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["zone_shape"], body["radius_m"], body["version"]) == ("circle", 5000.0, 1)


def test_ban_person_must_be_the_decisions_person(client_for, ban_body, users):
    from registry import services

    other = services.create_person(user=users["alice"], given_names="Ander", surname="Iemand")
    response = client_for("alice").post("/api/v1/bans/", ban_body(person=other.pk), format="json")
    assert response.status_code == 400
    assert "persoon van de beslissing" in " ".join(response.json()["person"])


DECISION_CASES = [
    ({"legal_basis": "art_999"}, "legal_basis", "art_999"),
    ({"authority": "politie"}, "authority", "politie"),
    ({"decision_date": "31-02-2026"}, "decision_date", ""),
    ({"reference": ""}, "reference", ""),
    ({"dut": "misschien"}, "dut", ""),
    ({"sash_risk": "extreem"}, "sash_risk", "extreem"),
]


@pytest.mark.parametrize(("changes", "field", "text"), DECISION_CASES)
def test_decision_field_error(client_for, person, changes, field, text):
    body = {
        "person": person.pk,
        "authority": "om",
        "legal_basis": "gedragsaanwijzing",
        "reference": "NEW/1",
        "decision_date": "2026-03-01",
    }
    body.update(changes)
    response = client_for("alice").post("/api/v1/decisions/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert text in " ".join(response.json()[field])


def test_duplicate_reference_is_a_field_error(client_for, decision):
    body = {
        "person": decision.person_id,
        "authority": decision.authority,
        "legal_basis": "strafbeschikking",
        "reference": decision.reference,
        "decision_date": "2026-03-01",
    }
    response = client_for("alice").post("/api/v1/decisions/", body, format="json")
    assert response.status_code == 400
    assert "reference" in response.json()


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"bsn": "12345"}, "bsn"), ({"date_of_birth": "gisteren"}, "date_of_birth"), ({"aliases": "Piet"}, "aliases")],
)
def test_person_field_error(client_for, changes, field):
    body = {"given_names": "Nieuw", "surname": "Persoon", **changes}
    response = client_for("alice").post("/api/v1/persons/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_update_without_reason_names_the_reason_field(client_for, area_ban):
    response = client_for("alice").patch(f"/api/v1/bans/{area_ban.pk}/", {"radius_m": 1000}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()


def test_partial_update_checks_the_whole_ban(client_for, area_ban):
    body = {"valid_until": "2026-01-01T00:00:00", "reason": "einddatum"}
    response = client_for("alice").patch(f"/api/v1/bans/{area_ban.pk}/", body, format="json")
    assert response.status_code == 400
    assert "valid_until" in response.json()
