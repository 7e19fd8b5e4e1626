"""The incident page's data: one incident with its map, ban, device, alerts, timeline and allowed actions."""

from django.utils.translation import gettext as _

from geofence.incidents.states import Action, TransitionRefused, move
from geofence.models import IncidentState
from registry.roles import may_see_protected_persons

from . import health, presenters, queries
from .casework_panel import with_contacts

ACTIONS = {"acknowledge": Action.ACKNOWLEDGE, "escalate": Action.ESCALATE, "close": Action.CLOSE}


def allowed_actions(incident) -> list[str]:
    """Return the buttons to enable: the state machine decides, plus notes, assignment and re-escalation."""
    if incident.state == IncidentState.CLOSED:
        return ["note"]
    allowed = ["note", "assign", "escalate"]
    for name, action in ACTIONS.items():
        try:
            move(incident.state, action)
        except TransitionRefused:
            continue
        if name not in allowed:
            allowed.append(name)
    return allowed


def changed_notice(timeline_rows: list[dict]) -> str:
    if not timeline_rows:
        return ""
    last = timeline_rows[0]
    who = last["actor"] or _("het systeem")
    values = {"who": who, "what": last["kind_label"], "at": last["at_local"]}
    return _("Bijgewerkt door %(who)s: %(what)s (%(at)s).") % values


def incident_detail(incident, user) -> dict:
    bans = queries.zone_bans(incident)
    track = queries.recent_track(incident)
    timeline = [presenters.timeline_row(e) for e in queries.timeline(incident)]
    return {
        "incident": presenters.board_row(incident),
        "map": presenters.map_data(incident, bans, track, show_protected=may_see_protected_persons(user)),
        "ban": {"facts": presenters.ban_facts(incident, bans)},
        "device": {"facts": health.device_facts(incident.device)},
        "deliveries": [presenters.delivery_row(a) for a in queries.alert_rows(incident.pk)],
        "timeline": with_contacts(incident, timeline),
        "changed_notice": changed_notice(timeline),
        "operators": [{"id": u.pk, "name": u.get_full_name() or u.get_username()} for u in queries.monitor_operators()],
        "allowed_actions": allowed_actions(incident),
    }
