"""build_alert_message produces a schema-valid message for every incident type and change."""

import pytest
from django.utils import timezone

from geofence.alerts.message import build_alert_message
from geofence.alerts.schema import message_errors
from geofence.models import Fix, Incident, IncidentType
from geofence.testing import HOME, make_ban, make_device, make_vendor
from registry.models import BanKind, LegalBasis

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    vendor, _key = make_vendor("acme")
    ban = make_ban(legal_basis=LegalBasis.BIJZONDERE_VOORWAARDE, risk="medium")
    device = make_device(vendor, person=ban.person)
    now = timezone.now()
    last_fix = Fix.objects.create(device=device, ts=now, lat=HOME[0], lon=HOME[1], accuracy_m=12, received_at=now)
    return vendor, ban, device, last_fix


def incident_of(kind, scene, **fields) -> Incident:
    vendor, ban, device, last_fix = scene
    if kind == IncidentType.MASS_OUTAGE:
        links = {"vendor": vendor}
    else:
        links = {"ban": ban, "person": ban.person, "device": device, "last_fix": last_fix}
    return Incident.objects.create(type=kind, opened_at=timezone.now(), priority=2, **links, **fields)


@pytest.mark.parametrize("kind", IncidentType.values)
@pytest.mark.parametrize("change", ["opened", "escalated", "closed"])
def test_message_is_schema_valid_for_every_type(scene, kind, change):
    incident = incident_of(kind, scene, closest_distance_m=850.4, eta_min=2.46, definite=True)
    message = build_alert_message(incident, change) | {"alert_id": "5b0d7a4e-0000-4000-8000-000000000001"}

    assert message_errors(message) == []
    assert message["incident"]["type"] == kind


def test_presence_obligation_without_arrest_power_says_report_to_om(scene):
    ban = scene[1]
    ban.kind = BanKind.PRESENCE
    ban.save()

    message = build_alert_message(incident_of(IncidentType.PRESENCE_VIOLATION, scene), "opened")

    assert message["enforcement"]["arrest_possible"] is False
    assert message["ban"]["kind"] == "presence"
    assert message["incident"]["verdict"] == "possible"
