"""The incident state table, operator actions with optimistic concurrency, and priorities."""

import pytest
from django.utils import timezone

from geofence.alerts.models import AlertOutbox
from geofence.incidents.priority import compute_priority
from geofence.incidents.services import StaleIncident, change_state, open_incident
from geofence.incidents.states import TRANSITIONS, Action, TransitionRefused, move
from geofence.models import IncidentState, IncidentType
from geofence.testing import make_ban


def test_closed_is_final():
    for action in Action:
        with pytest.raises(TransitionRefused):
            move(IncidentState.CLOSED, action)


def test_only_acknowledgement_stays_off_the_police_queue():
    quiet = {key for key, step in TRANSITIONS.items() if not step.alert}
    assert {action for _state, action in quiet} == {Action.ACKNOWLEDGE}


@pytest.fixture
def incident(db):
    ban = make_ban()
    return open_incident(type=IncidentType.ZONE_VIOLATION, at=timezone.now(), ban=ban, person=ban.person)


def test_operator_action_on_stale_version_is_refused(incident, users):
    change_state(incident, Action.ACKNOWLEDGE, actor=users["carol"], expected_version=1)
    with pytest.raises(StaleIncident):
        change_state(incident, Action.CLOSE, actor=users["erin"], expected_version=1, reason="false_alarm")
    incident.refresh_from_db()
    assert (incident.state, incident.version) == (IncidentState.ACKNOWLEDGED, 2)


def test_every_state_change_is_on_the_timeline_with_its_actor(incident, users):
    change_state(incident, Action.ACKNOWLEDGE, actor=users["carol"])
    change_state(incident, Action.CLOSE, actor=users["carol"], reason="violation_confirmed")
    timeline = list(incident.timeline.values_list("action", "from_state", "to_state", "actor_name"))
    assert timeline == [
        ("opened", "", "open", "system"),
        ("acknowledged", "open", "acknowledged", "carol"),
        ("closed", "acknowledged", "closed", "carol"),
    ]
    assert list(AlertOutbox.objects.order_by("id").values_list("change", flat=True)) == ["opened", "closed"]


def test_rolled_back_change_leaves_no_alert(incident):
    from django.db import transaction

    before = AlertOutbox.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        change_state(incident, Action.ESCALATE)
        raise RuntimeError
    assert AlertOutbox.objects.count() == before


def test_panic_outranks_everything():
    assert compute_priority(IncidentType.PANIC, risk="low") == 1


def test_definite_high_risk_violation_near_the_victim_is_top_priority():
    assert (
        compute_priority(IncidentType.ZONE_VIOLATION, risk="high", ban_kind="area", definite=True, distance_m=800) == 1
    )


def test_possible_violation_ranks_below_definite_and_low_risk_below_high():
    definite = compute_priority(
        IncidentType.ZONE_VIOLATION, risk="medium", ban_kind="area", definite=True, distance_m=4000
    )
    possible = compute_priority(
        IncidentType.ZONE_VIOLATION, risk="medium", ban_kind="area", definite=False, distance_m=4000
    )
    low = compute_priority(IncidentType.ZONE_VIOLATION, risk="low", ban_kind="area", definite=False, distance_m=4000)
    assert definite < possible < low


def test_short_eta_raises_priority():
    far = compute_priority(IncidentType.ZONE_VIOLATION, risk="low", ban_kind="area", definite=True, eta_min=40)
    near = compute_priority(IncidentType.ZONE_VIOLATION, risk="low", ban_kind="area", definite=True, eta_min=5)
    assert near < far
