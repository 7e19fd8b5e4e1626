"""The status lifecycle of a ban: which action moves which status where.

Read the table against tests/registry/test_ban_lifecycle.py. Ended and revoked
are final: a ban in those states is kept as it is, for the record.
"""

from django.utils.translation import gettext_lazy as _

from .models import BanStatus, HistoryEntry

S = BanStatus

# action: (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "activate": (frozenset({S.PENDING}), S.ACTIVE),
    "suspend": (frozenset({S.ACTIVE}), S.SUSPENDED),
    "reinstate": (frozenset({S.SUSPENDED}), S.ACTIVE),
    "revoke": (frozenset({S.PENDING, S.ACTIVE, S.SUSPENDED}), S.REVOKED),
    "end": (frozenset({S.ACTIVE, S.SUSPENDED}), S.ENDED),
}

FINAL_STATUSES = frozenset({S.ENDED, S.REVOKED})

HISTORY_ACTION = {
    "activate": HistoryEntry.Action.UPDATED,
    "suspend": HistoryEntry.Action.SUSPENDED,
    "reinstate": HistoryEntry.Action.REINSTATED,
    "revoke": HistoryEntry.Action.REVOKED,
    "end": HistoryEntry.Action.ENDED,
}


class IllegalTransition(Exception):
    """An action that the ban's current status does not allow (answered with 409)."""

    code = "illegal_transition"

    def __init__(self, action: str, status: str) -> None:
        self.action = action
        self.status = status
        label = BanStatus(status).label if status in BanStatus.values else status
        super().__init__(
            _("Actie '%(action)s' is niet mogelijk voor een verbod met status '%(status)s'.")
            % {"action": action, "status": label}
        )


def target_status(action: str, status: str) -> str:
    """Return the status `action` leads to from `status`, or raise IllegalTransition."""
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise IllegalTransition(action, status)
    return target


def action_between(current: str, wanted: str) -> str | None:
    """Return the action that moves `current` to `wanted` (None when equal), or raise IllegalTransition."""
    if current == wanted:
        return None
    for action, (sources, target) in TRANSITIONS.items():
        if target == wanted and current in sources:
            return action
    raise IllegalTransition(f"→ {wanted}", current)
