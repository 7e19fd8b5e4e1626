"""Fixtures of the input-limit tests: a registrar's raw-body client, one decision, a vendor's device."""

from datetime import date

import pytest

from geofence.testing import make_device
from registry import services
from registry.models import Authority, LegalBasis


@pytest.fixture
def registrar(client_for):
    return client_for("alice")


@pytest.fixture
def post_raw(registrar):
    """POST a body exactly as given (bytes or text), so literals json.dumps would never write can be sent."""

    def post(path: str, body: str | bytes, content_type: str = "application/json"):
        data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
        return registrar.generic("POST", path, data, content_type=content_type)

    return post


@pytest.fixture
def decision(users):
    person = services.create_person(
        user=users["alice"], given_names="Jorrit", surname="Grenswaarde", date_of_birth=date(1979, 6, 2)
    )
    return services.create_decision(
        user=users["alice"],
        person=person,
        authority=Authority.OM,
        legal_basis=LegalBasis.GEDRAGSAANWIJZING,
        reference="GRENS/0001",
        decision_date=date(2026, 3, 1),
    )


@pytest.fixture
def ban_body(decision):
    """Return a valid area-ban body to spoil one field at a time."""

    def body(**changes) -> dict:
        base = {
            "decision": decision.pk,
            "person": decision.person_id,
            "kind": "area",
            "valid_from": "2026-03-02T00:00:00+01:00",
            "valid_until": "2026-05-31T00:00:00+02:00",  # the 90 days of a gedragsaanwijzing (art. 509hh Sv)
            "centre_lat": 52.0907,
            "centre_lon": 5.1214,
        }
        return base | changes

    return body


@pytest.fixture
def device(feed):
    return make_device(feed.vendor, "EB-990001")
