"""Per (subject, zone) state machine: verdicts in, alert-worthy transitions out.

Each observation is first reduced to a Signal (`classify`), then the pair
(phase, signal) is looked up in TRANSITIONS. Counters for hysteresis live in
the state, not in the table: a subject in violation leaves only after
`exit_fixes` consecutive fixes beyond the exit margin (signal GONE), and an
approach level drops only after that many consecutive fixes below it.

A suspect fix (an impossible jump) counts at most as a possible violation:
on its own it can open a track in POSSIBLE, never make it DEFINITE, so a
plausible fix must confirm it. Whether a moving zone has data (a recent
position of the protected person) is tracked beside the phase: losing and
regaining it are reported in `Step.protection`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .constants import DEFAULT_EXIT_FIXES
from .verdicts import InactiveReason, Verdict


class Phase(StrEnum):
    """Where a subject stands toward one zone."""

    CLEAR = "clear"
    POSSIBLE = "possible"  # in violation, within the accuracy radius only
    DEFINITE = "definite"  # in violation beyond doubt


class Signal(StrEnum):
    """What one observation means, given the current state."""

    DEFINITE = "definite"  # verdict DEFINITE
    POSSIBLE = "possible"  # verdict POSSIBLE
    CLOSER = "closer"  # clear, and within an approach distance not yet announced
    OUTSIDE = "outside"  # clear, nothing new (in violation: not yet K fixes beyond the margin)
    GONE = "gone"  # clear, the K-th consecutive fix beyond the exit margin
    INACTIVE = "inactive"  # the zone is not in force at the fix's local time
    NO_DATA = "no_data"  # moving zone without a recent protected fix: judge nothing


class Transition(StrEnum):
    """A state change worth telling someone about."""

    APPROACH = "approach"
    ENTER = "enter"
    ESCALATE = "escalate"  # possible -> definite
    EXIT = "exit"
    INTERRUPTED = "interrupted"  # moving zone: no recent position of the protected person
    RESTORED = "restored"  # moving zone: a recent position of the protected person again


_C, _P, _D = Phase.CLEAR, Phase.POSSIBLE, Phase.DEFINITE

# (phase, signal) -> (next phase, transition or None). Total over all pairs.
TRANSITIONS: dict[tuple[Phase, Signal], tuple[Phase, Transition | None]] = {
    (_C, Signal.DEFINITE): (_D, Transition.ENTER),
    (_C, Signal.POSSIBLE): (_P, Transition.ENTER),
    (_C, Signal.CLOSER): (_C, Transition.APPROACH),
    (_C, Signal.OUTSIDE): (_C, None),
    (_C, Signal.GONE): (_C, None),
    (_C, Signal.INACTIVE): (_C, None),
    (_C, Signal.NO_DATA): (_C, None),
    (_P, Signal.DEFINITE): (_D, Transition.ESCALATE),
    (_P, Signal.POSSIBLE): (_P, None),
    (_P, Signal.CLOSER): (_P, None),
    (_P, Signal.OUTSIDE): (_P, None),
    (_P, Signal.GONE): (_C, Transition.EXIT),
    (_P, Signal.INACTIVE): (_C, Transition.EXIT),
    (_P, Signal.NO_DATA): (_P, None),
    (_D, Signal.DEFINITE): (_D, None),
    (_D, Signal.POSSIBLE): (_D, None),  # never de-escalate while inside
    (_D, Signal.CLOSER): (_D, None),
    (_D, Signal.OUTSIDE): (_D, None),
    (_D, Signal.GONE): (_C, Transition.EXIT),
    (_D, Signal.INACTIVE): (_C, Transition.EXIT),
    (_D, Signal.NO_DATA): (_D, None),
}


@dataclass(frozen=True)
class Observation:
    """What the engine said about one fix and one zone (see EvaluationResult)."""

    t: float  # UTC seconds since the epoch, event time
    verdict: Verdict
    approach_level: int
    beyond_exit_margin: bool
    inactive_reason: InactiveReason = InactiveReason.NONE
    suspect: bool = False


@dataclass(frozen=True)
class TrackState:
    """The resumable state of one (subject, zone) pair; see to_dict/from_dict."""

    phase: Phase = Phase.CLEAR
    approach_level: int = 0  # highest level announced and not yet left
    streak: int = 0  # consecutive fixes counting toward an exit or a lower approach level
    last_t: float | None = None  # event time of the last processed fix
    no_data: bool = False  # moving zone judged without a recent position of the protected person

    def to_dict(self) -> dict[str, Any]:
        """Return a small JSON-able dict."""
        # By hand: dataclasses.asdict deep-copies field by field, several times the cost for a batch's tracks.
        return {
            "phase": self.phase.value,
            "approach_level": self.approach_level,
            "streak": self.streak,
            "last_t": self.last_t,
            "no_data": self.no_data,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrackState:
        """Rebuild a state saved with to_dict."""
        return cls(
            phase=Phase(data["phase"]),
            approach_level=int(data["approach_level"]),
            streak=int(data["streak"]),
            last_t=None if data["last_t"] is None else float(data["last_t"]),
            no_data=bool(data.get("no_data", False)),
        )


@dataclass(frozen=True)
class Step:
    """The outcome of one observation: new state, transition if any, late flag."""

    state: TrackState
    transition: Transition | None
    signal: Signal | None
    late: bool = False  # event time not after the last processed one: state unchanged
    protection: Transition | None = None  # INTERRUPTED or RESTORED when a moving zone's data comes or goes


def advance(state: TrackState, obs: Observation, *, exit_fixes: int = DEFAULT_EXIT_FIXES) -> Step:
    """Feed one observation; return the next state and any transition.

    Observations must come in event-time order per pair; one at or before
    `state.last_t` (late or duplicate) changes nothing and is flagged late.
    """
    if state.last_t is not None and obs.t <= state.last_t:
        return Step(state, None, None, late=True)
    signal = classify(state, obs, exit_fixes=exit_fixes)
    phase, transition = TRANSITIONS[(state.phase, signal)]
    streak, level = _counters(state, obs, signal, exit_fixes)
    no_data = signal is Signal.NO_DATA or (state.no_data and signal is Signal.INACTIVE)
    protection = None
    if no_data != state.no_data:
        protection = Transition.INTERRUPTED if no_data else Transition.RESTORED
    new = TrackState(phase=phase, approach_level=level, streak=streak, last_t=obs.t, no_data=no_data)
    return Step(new, transition, signal, protection=protection)


def classify(state: TrackState, obs: Observation, *, exit_fixes: int = DEFAULT_EXIT_FIXES) -> Signal:
    """Reduce an observation to a Signal for the table, given the state's counters."""
    if obs.inactive_reason == InactiveReason.OUTSIDE_TIME_WINDOW:
        return Signal.INACTIVE
    if obs.inactive_reason != InactiveReason.NONE:
        return Signal.NO_DATA
    if obs.verdict == Verdict.DEFINITE:
        return Signal.POSSIBLE if obs.suspect else Signal.DEFINITE
    if obs.verdict == Verdict.POSSIBLE:
        return Signal.POSSIBLE
    if state.phase != Phase.CLEAR:
        gone = obs.beyond_exit_margin and state.streak + 1 >= exit_fixes
        return Signal.GONE if gone else Signal.OUTSIDE
    return Signal.CLOSER if obs.approach_level > state.approach_level else Signal.OUTSIDE


def _counters(state: TrackState, obs: Observation, signal: Signal, exit_fixes: int) -> tuple[int, int]:
    """Return (streak, approach level) after the observation."""
    if signal in (Signal.DEFINITE, Signal.POSSIBLE):
        return 0, state.approach_level
    if signal is Signal.NO_DATA:
        return state.streak, state.approach_level
    if signal is Signal.INACTIVE:
        return 0, 0
    if state.phase != Phase.CLEAR:
        if signal is Signal.GONE:
            # Leave with the level the exit fix is at, so no APPROACH fires right after.
            return 0, obs.approach_level
        return (state.streak + 1 if obs.beyond_exit_margin else 0), state.approach_level
    return _approach_counters(state, obs.approach_level, exit_fixes)


def _approach_counters(state: TrackState, level: int, exit_fixes: int) -> tuple[int, int]:
    # Rise at once; fall only after exit_fixes fixes in a row below, so a
    # subject jittering across an approach ring is warned once.
    if level >= state.approach_level:
        return 0, level
    streak = state.streak + 1
    if streak >= exit_fixes:
        return 0, level
    return streak, state.approach_level
