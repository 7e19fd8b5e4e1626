"""Work with the protected person of an incident: reveal the phone, log contacts, tick the checklist.

Who handles an incident follows from the state machine (geofence/incidents/states.py): taking an
incident on ("In behandeling nemen", the acknowledge action) makes the operator its handler, and an
assignment hands it to someone else. So the handler is the user it is assigned to, or, while it is
unassigned, the user who last took it on. A closed incident has no handler.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geofence.incidents.states import Action
from geofence.models import Incident
from geofence.models.incidents import NOTE_MAX_LENGTH
from registry.models import AuditEntry

from .access import is_monitor_user
from .checklists import steps_for
from .models import ChecklistTick, ContactResult, VictimContact
from .services import ActionError

# Why an operator looks up the protected person's phone; "other" needs a typed purpose.
PURPOSES = {
    "call": gettext_lazy("Slachtoffer bellen"),
    "warn": gettext_lazy("Slachtoffer waarschuwen"),
    "police": gettext_lazy("Doorgeven aan de politie ter plaatse"),
    "other": gettext_lazy("Anders (typ het doel)"),
}
PURPOSE_MAX_LENGTH = 200
# A contact is logged when it happened: at most this far back from the incident's opening, never ahead.
CONTACT_BEFORE_OPENING = timedelta(hours=24)
CLOCK_SLACK = timedelta(minutes=2)


class Forbidden(ActionError):
    status = 403


class NoVictim(ActionError):
    status = 404


def handler_id(incident: Incident) -> int | None:
    """Return the id of the user who handles the incident (None: nobody does, or it is closed)."""
    if not incident.is_active:
        return None
    if incident.assigned_to_id:
        return incident.assigned_to_id
    taken = incident.timeline.filter(action=Action.ACKNOWLEDGE.value, actor__isnull=False).order_by("-at", "-id")
    return taken.values_list("actor_id", flat=True).first()


def handles(user, incident: Incident) -> bool:
    """Return True when the user may work the incident: a monitor role, the incident open, and its handler."""
    return is_monitor_user(user) and incident.is_active and handler_id(incident) == user.pk


def can_reveal_victim_contact(user, incident: Incident) -> bool:
    """Return True when the user may see and use the protected person's contact details for this incident.

    The one access rule for victim contact details in the monitoring centre: reveal and contact log.
    """
    return handles(user, incident)


def refusal(incident: Incident) -> str:
    """Return why contact details are not available, for the page."""
    if not incident.is_active:
        return _("Het incident is gesloten.")
    return _("Alleen de behandelaar van dit incident ziet de contactgegevens; neem het eerst in behandeling.")


def reveal_victim_phone(incident: Incident, user, purpose: str, purpose_text: str = "") -> dict:
    """Return the protected person's name and phone; audit who saw it, why, with the protected person's id."""
    purpose_text = (purpose_text or "").strip()
    if purpose not in PURPOSES:
        raise ActionError(_("Kies waarvoor u het telefoonnummer nodig hebt."), field="purpose")
    if purpose == "other" and not purpose_text:
        raise ActionError(_("Typ waarvoor u het telefoonnummer nodig hebt."), field="purpose_text")
    if len(purpose_text) > PURPOSE_MAX_LENGTH:
        message = _("Het doel is hoogstens %(n)d tekens.") % {"n": PURPOSE_MAX_LENGTH}
        raise ActionError(message, field="purpose_text")
    victim = _victim(incident, user)
    AuditEntry.record(
        user,
        "incident.victim_phone_revealed",
        target=incident,
        person_ids=[incident.person_id] if incident.person_id else [],
        protected_person_ids=[victim.pk],
        purpose=purpose,
        purpose_text=purpose_text,
    )
    return {"name": victim.full_name, "phone": victim.phone}


def log_contact(incident: Incident, user, result: str, at_text: str = "", note: str = "") -> VictimContact:
    """Record one contact attempt with the protected person (time given by the operator, else now)."""
    if result not in ContactResult.values:
        raise ActionError(_("Kies het resultaat van het contact."), field="result")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ActionError(_("Een notitie is hoogstens %(n)d tekens.") % {"n": NOTE_MAX_LENGTH}, field="note")
    at = _contact_time(incident, at_text)
    victim = _victim(incident, user)
    with transaction.atomic():
        contact = VictimContact.objects.create(
            incident=incident, protected_person=victim, result=result, at=at, by=user, note=note
        )
        AuditEntry.record(
            user,
            "incident.victim_contact_logged",
            target=incident,
            person_ids=[incident.person_id] if incident.person_id else [],
            protected_person_ids=[victim.pk],
            result=result,
            at=at.isoformat(),
        )
    return contact


def tick_step(incident: Incident, user, key: str) -> ChecklistTick:
    """Tick one step of the incident's checklist; ticking it again keeps the first tick."""
    if key not in {step.key for step in steps_for(incident.type)}:
        raise ActionError(_("Onbekende stap voor dit soort incident."), field="item")
    if not handles(user, incident):
        raise Forbidden(_("Alleen de behandelaar van een open incident vinkt stappen af."))
    existing = ChecklistTick.objects.filter(incident=incident, item=key).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            tick = ChecklistTick.objects.create(incident=incident, item=key, by=user, at=timezone.now())
            AuditEntry.record(user, "incident.checklist_ticked", target=incident, item=key)
    except IntegrityError:  # ticked by someone else a moment ago
        return ChecklistTick.objects.get(incident=incident, item=key)
    return tick


def _victim(incident: Incident, user):
    if not can_reveal_victim_contact(user, incident):
        raise Forbidden(refusal(incident))
    if incident.protected_person_id is None:
        raise NoVictim(_("Bij dit incident hoort geen beschermd persoon."))
    return incident.protected_person


def _contact_time(incident: Incident, text: str) -> datetime:
    now = timezone.now()
    if not (text or "").strip():
        return now
    try:
        at = parse_datetime(text.strip())
    except ValueError:
        at = None
    if at is None:
        raise ActionError(_("Geef het tijdstip als datum en tijd (JJJJ-MM-DDTuu:mm)."), field="at")
    if timezone.is_naive(at):
        at = timezone.make_aware(at)  # a time the operator typed is local (Europe/Amsterdam)
    if at > now + CLOCK_SLACK:
        raise ActionError(_("Het tijdstip ligt in de toekomst."), field="at")
    if at < incident.opened_at - CONTACT_BEFORE_OPENING:
        raise ActionError(_("Het tijdstip ligt ruim voor het begin van het incident."), field="at")
    return at
