"""The incident page's casework panel: victim contact, contact log, checklist progress and the closing."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from geofence.incidents.states import Action
from geofence.models import CloseOutcome, Incident

from . import casework
from .checklists import steps_for
from .models import ContactResult
from .presenters import label, local


def panel(incident: Incident, user) -> dict:
    """Return everything the casework partial shows, as seen by this user."""
    handler = casework.handler_id(incident)
    handler_name = get_user_model().objects.filter(pk=handler).values_list("username", flat=True).first()
    may_contact = casework.can_reveal_victim_contact(user, incident)
    return {
        "incident_id": incident.pk,
        "active": incident.is_active,
        "handler": handler_name or "",
        "handled_by_you": handler is not None and handler == user.pk,
        "victim": {
            "present": incident.protected_person_id is not None,
            "can_reveal": may_contact and incident.protected_person_id is not None,
            "refusal": "" if may_contact else casework.refusal(incident),
        },
        "purposes": [{"value": k, "label": str(v)} for k, v in casework.PURPOSES.items()],
        "results": [{"value": v, "label": str(text)} for v, text in ContactResult.choices],
        "contacts": [_contact_row(c) for c in incident.victim_contacts.select_related("by").order_by("-at", "-id")],
        "checklist": checklist(incident, user),
        "closure": closure(incident),
    }


def checklist(incident: Incident, user) -> dict:
    ticks = {t.item: t for t in incident.checklist_ticks.select_related("by")}
    steps = [
        {
            "key": step.key,
            "text": step.text,
            "done": step.key in ticks,
            "by": ticks[step.key].by.get_username() if step.key in ticks else "",
            "at_local": local(ticks[step.key].at, "%d-%m %H:%M") if step.key in ticks else "",
        }
        for step in steps_for(incident.type)
    ]
    done = sum(1 for s in steps if s["done"])
    return {
        "steps": steps,
        "done": done,
        "total": len(steps),
        "progress": _("%(done)d van %(total)d stappen gedaan") % {"done": done, "total": len(steps)},
        "can_tick": casework.handles(user, incident),
    }


def closure(incident: Incident) -> dict | None:
    """Return the outcome, who closed the incident and when (None while it is open)."""
    if incident.is_active or incident.closed_at is None:
        return None
    closed = incident.timeline.filter(action=Action.CLOSE.value).order_by("-at", "-id").first()
    return {
        "outcome": incident.closed_reason,
        "outcome_label": label(CloseOutcome, incident.closed_reason) if incident.closed_reason else _("onbekend"),
        "by": _actor(closed) if closed else _("het systeem"),
        "at_local": local(incident.closed_at),
        "note": closed.note if closed else "",
    }


def _actor(event) -> str:
    if event.actor_id:
        return event.actor.get_username()
    return _("het systeem") if event.actor_name == "system" else event.actor_name


def _contact_row(contact) -> dict:
    return {
        "result": contact.result,
        "result_label": label(ContactResult, contact.result),
        "at": contact.at.isoformat(),
        "at_local": local(contact.at),
        "by": contact.by.get_username(),
        "note": contact.note,
    }


def with_contacts(incident: Incident, timeline_rows: list[dict]) -> list[dict]:
    """Return the timeline with the victim contacts merged in, newest first."""
    contacts = [
        {
            "kind": "victim_contact",
            "kind_label": _("contact slachtoffer"),
            "at": row["at"],
            "at_local": row["at_local"],
            "actor": row["by"],
            "text": " – ".join(p for p in (row["result_label"], row["note"]) if p),
        }
        for row in (_contact_row(c) for c in incident.victim_contacts.select_related("by"))
    ]
    return sorted(timeline_rows + contacts, key=lambda r: datetime.fromisoformat(r["at"]), reverse=True)
