"""The shift handover: what the incoming shift must know, and the outgoing operator's notes."""

from datetime import timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from geofence.models import Incident, IncidentEvent
from geofence.models.incidents import NOTE_MAX_LENGTH
from registry.models import AuditEntry

from . import health, presenters, queries
from .models import HandoverNote
from .presenters import WAITING_STATES

SHIFT = timedelta(hours=8)
LIMIT = 200


def since_from(text: str | None, now=None) -> tuple:
    """Return (since, error): the time typed (local, YYYY-MM-DDTHH:MM), or one shift ago when empty or wrong."""
    default = (now or timezone.now()) - SHIFT
    text = (text or "").strip()
    if not text:
        return default, ""
    try:
        since = parse_datetime(text)
    except ValueError:
        since = None
    if since is None:
        return default, _("Geef het tijdstip als datum en tijd (JJJJ-MM-DDTuu:mm).")
    return (timezone.make_aware(since) if timezone.is_naive(since) else since), ""


def summary(since, user, now=None) -> dict:
    """Return the handover's sections: open and unacknowledged incidents, undelivered alerts, devices, notes."""
    now = now or timezone.now()
    active = queries.board_incidents(queries.BoardFilters(), user, now)[:LIMIT]
    rows = [presenters.board_row(i, now) for i in active]
    devices = [d for d in health.device_rows(queries.monitored_devices(user), now) if d["health"] != "ok"]
    return {
        "open": rows,
        "unacknowledged": [r for r in rows if r["state"] in WAITING_STATES],
        "undelivered": [presenters.undelivered_row(a, now) for a in queries.undelivered_alerts(user)],
        "devices": devices,
        "handover_notes": list(HandoverNote.objects.filter(written_at__gte=since).select_related("author")[:LIMIT]),
        "incident_notes": _incident_notes(since, user),
        # For the audit entry of the read: the incidents whose people the page names.
        "shown_incidents": active,
    }


def _incident_notes(since, user) -> list[dict]:
    notes = IncidentEvent.objects.filter(
        action="note", at__gte=since, incident__in=Incident.objects.visible_to(user)
    ).select_related("incident")
    return [
        {
            "incident_id": e.incident_id,
            "url": Incident(pk=e.incident_id).get_absolute_url(),
            "at_local": presenters.local(e.at, "%d-%m %H:%M"),
            "actor": e.actor_name,
            "text": e.note,
            "type_label": e.incident.get_type_display(),
        }
        for e in notes.order_by("-at", "-id")[:LIMIT]
    ]


def write_note(user, text: str) -> HandoverNote:
    """Store the outgoing operator's note; raise ValueError with the reason when it is empty or too long."""
    text = (text or "").strip()
    if not text:
        raise ValueError(_("Een notitie mag niet leeg zijn."))
    if len(text) > NOTE_MAX_LENGTH:
        raise ValueError(_("Een notitie is hoogstens %(n)d tekens.") % {"n": NOTE_MAX_LENGTH})
    note = HandoverNote.objects.create(author=user, text=text)
    AuditEntry.record(user, "handover.note", target=note)
    return note
