"""The per (subject, zone) state machine, checked against its TRANSITIONS table."""

import dataclasses
import json

import numpy as np
import pytest
from engine_helpers import T0, batch, place

from geofence.engine.evaluate import evaluate
from geofence.engine.index import ZoneIndex
from geofence.engine.tracker import (
    TRANSITIONS,
    Observation,
    Phase,
    Signal,
    TrackState,
    Transition,
    advance,
)
from geofence.engine.verdicts import InactiveReason, Verdict
from geofence.engine.zones import CircleZone

CLEAR, POSSIBLE, DEFINITE = Verdict.CLEAR, Verdict.POSSIBLE, Verdict.DEFINITE


def obs(t, verdict=CLEAR, level=0, beyond=True, reason=InactiveReason.NONE):
    return Observation(
        t=T0 + t, verdict=verdict, approach_level=level, beyond_exit_margin=beyond, inactive_reason=reason
    )


def run(observations, state=None, exit_fixes=3):
    state = state or TrackState()
    transitions = []
    for o in observations:
        step = advance(state, o, exit_fixes=exit_fixes)
        state = step.state
        transitions.append(step.transition)
    return state, transitions


def test_table_covers_every_phase_and_signal():
    assert set(TRANSITIONS) == {(p, s) for p in Phase for s in Signal}


def test_definite_fix_from_clear_enters_definite():
    state, transitions = run([obs(0, DEFINITE)])
    assert transitions == [Transition.ENTER]
    assert state.phase is Phase.DEFINITE


def test_possible_then_definite_enters_then_escalates():
    state, transitions = run([obs(0, POSSIBLE), obs(1, POSSIBLE), obs(2, DEFINITE)])
    assert transitions == [Transition.ENTER, None, Transition.ESCALATE]
    assert state.phase is Phase.DEFINITE


def test_definite_never_deescalates_to_possible():
    state, transitions = run([obs(0, DEFINITE), obs(1, POSSIBLE)])
    assert transitions == [Transition.ENTER, None]
    assert state.phase is Phase.DEFINITE


def test_exit_needs_k_consecutive_fixes_beyond_the_margin():
    _, transitions = run([obs(0, DEFINITE), obs(1), obs(2), obs(3)], exit_fixes=3)
    assert transitions == [Transition.ENTER, None, None, Transition.EXIT]


def test_fix_within_the_exit_margin_restarts_the_exit_count():
    fixes = [obs(0, DEFINITE), obs(1), obs(2), obs(3, beyond=False), obs(4), obs(5), obs(6)]
    _, transitions = run(fixes)
    assert transitions == [Transition.ENTER, None, None, None, None, None, Transition.EXIT]


def test_fixes_inside_the_exit_margin_never_exit():
    _, transitions = run([obs(0, DEFINITE)] + [obs(t, beyond=False) for t in range(1, 50)])
    assert transitions.count(Transition.EXIT) == 0


def test_approach_levels_are_announced_once_each_on_the_way_in():
    fixes = [obs(0, level=0), obs(1, level=1), obs(2, level=1), obs(3, level=2), obs(4, DEFINITE, level=2)]
    _, transitions = run(fixes)
    assert transitions == [None, Transition.APPROACH, None, Transition.APPROACH, Transition.ENTER]


def test_jitter_across_an_approach_ring_warns_once():
    levels = [1, 0, 1, 0, 0, 1, 0, 1]
    _, transitions = run([obs(t, level=lv) for t, lv in enumerate(levels)])
    assert transitions.count(Transition.APPROACH) == 1


def test_approach_is_announced_again_after_leaving_for_k_fixes():
    levels = [1, 0, 0, 0, 1]
    _, transitions = run([obs(t, level=lv) for t, lv in enumerate(levels)])
    assert transitions.count(Transition.APPROACH) == 2


def test_exit_does_not_fire_an_approach_on_the_next_fix():
    fixes = [obs(0, DEFINITE, 2), obs(1, level=2), obs(2, level=2), obs(3, level=2), obs(4, level=2)]
    _, transitions = run(fixes)
    assert transitions == [Transition.ENTER, None, None, Transition.EXIT, None]


def test_closing_time_window_exits_an_open_violation():
    _, transitions = run([obs(0, DEFINITE), obs(1, DEFINITE, reason=InactiveReason.OUTSIDE_TIME_WINDOW)])
    assert transitions == [Transition.ENTER, Transition.EXIT]


def test_missing_protected_fix_holds_the_state_without_a_transition():
    state, transitions = run(
        [obs(0, DEFINITE)] + [obs(t, reason=InactiveReason.NO_RECENT_PROTECTED_FIX) for t in (1, 2, 3, 4)]
    )
    assert transitions == [Transition.ENTER, None, None, None, None]
    assert state.phase is Phase.DEFINITE


def test_late_fix_changes_nothing_and_says_so():
    state, _ = run([obs(0), obs(10, DEFINITE)])
    step = advance(state, obs(5, CLEAR))
    assert step.late and step.transition is None and step.state == state


def test_duplicate_event_time_is_treated_as_late():
    state, _ = run([obs(10, DEFINITE)])
    assert advance(state, obs(10, CLEAR)).late


def test_state_survives_a_json_round_trip():
    state, _ = run([obs(0, DEFINITE), obs(1)])
    restored = TrackState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert restored == state
    assert advance(restored, obs(2)).state.streak == 2


def test_saved_state_holds_every_field():
    state = TrackState(phase=Phase.DEFINITE, approach_level=2, streak=1, last_t=12.5, no_data=True)
    saved = state.to_dict()
    assert saved.keys() == {f.name for f in dataclasses.fields(TrackState)}
    assert TrackState.from_dict(saved) == state


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_jitter_across_boundary_opens_one_incident(seed):
    rng = np.random.default_rng(seed)
    lat0, lon0 = 52.1, 5.2
    zones = [CircleZone(zone_id=1, subject_id=7, lat=lat0, lon=lon0)]
    distances = 5000.0 + rng.uniform(-30.0, 30.0, 200)
    ends = np.array([place(lat0, lon0, 80.0 + rng.normal(0, 1), d) for d in distances])
    fixes = batch(7, T0 + np.arange(200) * 10.0, ends[:, 0], ends[:, 1], 8.0)
    result = evaluate(ZoneIndex(zones), fixes)
    state, kinds = TrackState(), []
    for i in range(len(result.fix_index)):
        row = result.row(i)
        step = advance(
            state,
            Observation(
                t=float(fixes.t[row.fix_index]),
                verdict=row.verdict,
                approach_level=row.approach_level,
                beyond_exit_margin=row.beyond_exit_margin,
                suspect=row.suspect,
            ),
        )
        state = step.state
        kinds.append(step.transition)
    assert kinds.count(Transition.ENTER) == 1
    assert kinds.count(Transition.EXIT) <= 1


def test_suspect_fix_opens_at_most_a_possible_violation():
    step = advance(
        TrackState(), Observation(t=1.0, verdict=DEFINITE, approach_level=2, beyond_exit_margin=False, suspect=True)
    )
    assert (step.state.phase, step.transition) == (Phase.POSSIBLE, Transition.ENTER)
    confirmed = advance(step.state, obs(2, DEFINITE))
    assert (confirmed.state.phase, confirmed.transition) == (Phase.DEFINITE, Transition.ESCALATE)


def test_moving_zone_without_data_is_interrupted_until_data_returns():
    no_data = Observation(
        t=1.0,
        verdict=CLEAR,
        approach_level=0,
        beyond_exit_margin=True,
        inactive_reason=InactiveReason.NO_RECENT_PROTECTED_FIX,
    )
    lost = advance(TrackState(), no_data)
    assert (lost.state.no_data, lost.protection) == (True, Transition.INTERRUPTED)
    assert advance(lost.state, Observation(**{**vars(no_data), "t": 2.0})).protection is None
    back = advance(lost.state, obs(3))
    assert (back.state.no_data, back.protection) == (False, Transition.RESTORED)
