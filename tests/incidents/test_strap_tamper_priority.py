"""A strap tamper is never below P2: it gets the banner and the sound whatever the subject's risk."""

import pytest

from geofence.incidents.priority import compute_priority
from geofence.models import IncidentType


@pytest.mark.parametrize("risk,expected", [("high", 2), ("medium", 2), ("low", 2), ("", 2)])
def test_strap_tamper_is_p2_at_most_for_every_risk(risk, expected):
    assert compute_priority(IncidentType.STRAP_TAMPER, risk=risk) == expected


def test_other_device_incidents_of_a_low_risk_subject_stay_low():
    assert compute_priority(IncidentType.BATTERY_CRITICAL, risk="low") == 5
    assert compute_priority(IncidentType.DEVICE_SILENT, risk="low") == 4
