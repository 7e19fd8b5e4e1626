"""Times: order, plausible years, naive datetimes, fixes from the far future or past. Each a clear 4xx."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from geofence.models import Fix
from registry.models import Ban


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59+01:00"])
@pytest.mark.parametrize("field", ["valid_from", "valid_until"])
def test_absurd_year_in_a_ban_is_400(registrar, ban_body, field, value):
    response = registrar.post("/api/v1/bans/", ban_body(**{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_end_before_start_is_400_on_valid_until(registrar, ban_body):
    body = ban_body(valid_from="2026-03-02T00:00:00+01:00", valid_until="2026-03-01T00:00:00+01:00")
    response = registrar.post("/api/v1/bans/", body, format="json")
    assert response.status_code == 400
    assert "valid_until" in response.json()


def test_naive_datetime_is_dutch_local_time(registrar, ban_body):
    response = registrar.post(
        "/api/v1/bans/", ban_body(valid_from="2026-07-01T09:00:00", valid_until="2026-08-01"), format="json"
    )
    assert response.status_code == 201
    assert Ban.objects.get().valid_from == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)  # CEST is UTC+2


@pytest.mark.parametrize(("field", "value"), [("decision_date", "0001-01-01"), ("decision_date", "9999-12-31")])
def test_absurd_decision_date_is_400(registrar, decision, field, value):
    body = {
        "person": decision.person_id,
        "authority": "om",
        "legal_basis": "gedragsaanwijzing",
        "reference": "TIJD/1",
        field: value,
    }
    response = registrar.post("/api/v1/decisions/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("value", ["1850-01-01", "tomorrow"])
def test_impossible_date_of_birth_is_400(registrar, value):
    if value == "tomorrow":  # worked out when the test runs: collected before midnight, it would be today
        value = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = registrar.post(
        "/api/v1/persons/", {"given_names": "Tijs", "surname": "Tijd", "date_of_birth": value}, format="json"
    )
    assert response.status_code == 400
    assert "date_of_birth" in response.json()


@pytest.mark.parametrize(
    ("path", "param"),
    [("/api/v1/bans/", "in_force_at"), ("/api/v1/decisions/", "in_force_at")],
)
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31T23:59", "2026-13-45", "morgen"])
def test_bad_date_in_a_list_filter_is_400_naming_it(registrar, path, param, value):
    response = registrar.get(path, {param: value})
    assert response.status_code == 400
    assert param in response.json()


@pytest.mark.parametrize("param", ["since", "until"])
@pytest.mark.parametrize("value", ["0001-01-01", "0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00", "gisteren"])
def test_bad_time_in_the_audit_filter_is_400(client_for, param, value):
    response = client_for("erin").get("/api/v1/audit", {param: value})
    assert response.status_code == 400
    assert param in response.json()


def fix_at(ts) -> dict:
    return {"device": "EB-990001", "ts": ts, "lat": 52.0, "lon": 5.0, "accuracy_m": 5}


@pytest.mark.parametrize(
    ("ts", "reason"),
    [
        ("0001-01-01T00:00:00+14:00", "out_of_range"),
        ("9999-12-31T23:59:59-14:00", "out_of_range"),
        ("1999-12-31T23:59:59Z", "out_of_range"),
        ("2026-03-01T10:00:00", "malformed"),
        (-1e20, "out_of_range"),
        (1e20, "out_of_range"),
        ("gisteren", "malformed"),
    ],
)
def test_impossible_fix_time_is_quarantined(feed, device, ts, reason):
    response = feed.positions([fix_at(ts)])
    assert response.status_code == 202
    assert response.json()["rejected"][0]["reason"] == reason
    assert not Fix.objects.exists()


def test_fix_more_than_five_minutes_ahead_is_refused_and_one_just_inside_is_stored(feed, device):
    now = timezone.now()
    response = feed.positions([fix_at((now + timedelta(minutes=6)).isoformat()), fix_at(now.isoformat())])
    assert response.json()["accepted"] == 1
    assert response.json()["rejected"][0]["reason"] == "future_timestamp"
