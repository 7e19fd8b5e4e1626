"""The incident state machine: one table a reader can check against the tests.

An action moves an incident from one state to another; `alert` says whether
the police queue hears of it. Updates while inside, assignments and notes are
not state changes: they go on the timeline only.
"""

from dataclasses import dataclass
from enum import StrEnum

from geofence.models import IncidentState

OPEN, ESCALATED, ACKNOWLEDGED, CLOSED = (
    IncidentState.OPEN,
    IncidentState.ESCALATED,
    IncidentState.ACKNOWLEDGED,
    IncidentState.CLOSED,
)


class Action(StrEnum):
    OPEN = "opened"
    ESCALATE = "escalated"  # possible -> definite, or an operator escalating to the police
    ACKNOWLEDGE = "acknowledged"
    CLOSE = "closed"


@dataclass(frozen=True)
class Move:
    to: IncidentState
    alert: bool


# (current state or None for a new incident, action) -> move. Anything absent is refused.
TRANSITIONS: dict[tuple[IncidentState | None, Action], Move] = {
    (None, Action.OPEN): Move(OPEN, alert=True),
    (OPEN, Action.ESCALATE): Move(ESCALATED, alert=True),
    (OPEN, Action.ACKNOWLEDGE): Move(ACKNOWLEDGED, alert=False),
    (OPEN, Action.CLOSE): Move(CLOSED, alert=True),
    (ESCALATED, Action.ACKNOWLEDGE): Move(ACKNOWLEDGED, alert=False),
    (ESCALATED, Action.CLOSE): Move(CLOSED, alert=True),
    # A possible violation an operator already handles can still turn definite: tell the police.
    (ACKNOWLEDGED, Action.ESCALATE): Move(ESCALATED, alert=True),
    (ACKNOWLEDGED, Action.CLOSE): Move(CLOSED, alert=True),
}


class TransitionRefused(Exception):
    """The action is not allowed in the incident's current state."""

    def __init__(self, state: str | None, action: str) -> None:
        self.state = state
        self.action = action
        super().__init__(f"Actie '{action}' is niet mogelijk in status '{state}'.")


def move(state: str | None, action: Action) -> Move:
    """Return the move for the action from the state, or raise TransitionRefused."""
    key = (IncidentState(state) if state is not None else None, action)
    if key not in TRANSITIONS:
        raise TransitionRefused(state, action)
    return TRANSITIONS[key]
