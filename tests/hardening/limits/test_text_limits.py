"""Every writable text field of the registrar API: over its length, NUL, controls -> 400 naming the field.

The fields are read from the serializers, so a new text field is covered without editing this file.
NUL matters most on PostgreSQL, which refuses it in text and jsonb: run this module there too.
"""

import json

import pytest
from rest_framework import serializers

from registry.admin_forms import BanAdminForm
from registry.api.serializers import (
    BanSerializer,
    DecisionSerializer,
    PersonSerializer,
    ProtectedPersonSerializer,
)


def as_json(value) -> str:
    """Write lone surrogates and NUL as JSON escapes, as a client in another language would."""
    return json.dumps(value, ensure_ascii=True)


ENDPOINTS = {
    "/api/v1/persons/": PersonSerializer,
    "/api/v1/protected-persons/": ProtectedPersonSerializer,
    "/api/v1/decisions/": DecisionSerializer,
    "/api/v1/bans/": BanSerializer,
}


def text_fields(serializer_class) -> list[tuple[str, int | None]]:
    """Return (name, max_length) of each writable free-text field (choices excluded)."""
    found = []
    for name, field in serializer_class().fields.items():
        if field.read_only or isinstance(field, serializers.ChoiceField):
            continue
        if isinstance(field, serializers.CharField):
            found.append((name, field.max_length))
    return found


CASES = [(path, name, limit) for path, cls in ENDPOINTS.items() for name, limit in text_fields(cls)]


@pytest.fixture
def valid_body(decision, ban_body):
    bodies = {
        "/api/v1/persons/": {"given_names": "Anouk", "surname": "Lengtemaat"},
        "/api/v1/protected-persons/": {"given_names": "Anouk", "surname": "Lengtemaat"},
        "/api/v1/decisions/": {
            "person": decision.person_id,
            "authority": "om",
            "legal_basis": "gedragsaanwijzing",
            "reference": "GRENS/0002",
            "decision_date": "2026-03-05",
        },
        "/api/v1/bans/": ban_body(),
    }
    return lambda path, **changes: bodies[path] | changes


def test_every_text_field_has_a_length_limit():
    unlimited = [(path, name) for path, name, limit in CASES if limit is None]
    assert not unlimited, f"text fields without max_length: {unlimited}"


def test_the_cases_cover_names_references_and_reasons():
    names = {name for _, name, _ in CASES}
    assert {"given_names", "surname", "reference", "zone_description", "reason", "email", "street"} <= names


@pytest.mark.parametrize(("path", "name", "limit"), CASES)
def test_text_one_over_its_limit_is_400_naming_the_field(post_raw, valid_body, path, name, limit):
    response = post_raw(path, as_json(valid_body(path, **{name: "a" * (limit + 1)})))
    assert response.status_code == 400
    assert name in response.json(), response.json()


@pytest.mark.parametrize(("path", "name", "limit"), CASES)
def test_nul_in_any_text_field_is_400_naming_the_field(post_raw, valid_body, path, name, limit):
    response = post_raw(path, as_json(valid_body(path, **{name: "Jan\x00Piet"})))
    assert response.status_code == 400
    assert name in response.json(), response.json()


@pytest.mark.parametrize(("path", "name", "limit"), CASES)
def test_control_and_bidi_characters_are_400(post_raw, valid_body, path, name, limit):
    for text in ("Jan\x1bPiet", "Jan\u202ePiet"):
        response = post_raw(path, as_json(valid_body(path, **{name: text})))
        assert response.status_code == 400
        assert name in response.json(), (text, response.json())


def test_a_text_at_its_limit_is_stored(post_raw, valid_body):
    response = post_raw("/api/v1/persons/", as_json(valid_body("/api/v1/persons/", surname="b" * 200)))
    assert response.status_code == 201
    assert response.json()["surname"] == "b" * 200


def test_reason_keeps_its_line_breaks(registrar, valid_body):
    person = registrar.post("/api/v1/persons/", valid_body("/api/v1/persons/"), format="json").json()
    reason = "Correctie na telefoontje.\nZie dossier."
    response = registrar.patch(f"/api/v1/persons/{person['id']}/", {"surname": "Maat", "reason": reason}, format="json")
    assert response.status_code == 200


def test_alias_list_and_alias_length_are_limited(post_raw, valid_body):
    too_many = post_raw("/api/v1/persons/", as_json(valid_body("/api/v1/persons/", aliases=["x"] * 51)))
    too_long = post_raw("/api/v1/persons/", as_json(valid_body("/api/v1/persons/", aliases=["x" * 301])))
    assert too_many.status_code == too_long.status_code == 400
    assert "aliases" in too_many.json() and "aliases" in too_long.json()


def test_nul_inside_a_json_field_is_400_naming_the_field(post_raw, ban_body):
    body = ban_body(kind="contact", centre_lat=None, centre_lon=None, contact_modes=["direct\x00"])
    response = post_raw("/api/v1/bans/", as_json(body))
    assert response.status_code == 400
    assert "contact_modes" in response.json()


@pytest.mark.parametrize(
    "text", ['{"type": "Polygon", "x": "\\u0000"}', '{"type": "Polygon", "x": "\\ud800"}', "[NaN]"]
)
def test_unstorable_json_in_the_admin_ban_form_is_a_field_error(db, text):
    form = BanAdminForm(data={"zone_geojson": text, "time_windows": "[]", "contact_modes": "[]"})
    assert not form.is_valid()
    assert "zone_geojson" in form.errors
    assert any(word in str(form.errors["zone_geojson"]) for word in ("NUL", "surrogate", "finite"))
