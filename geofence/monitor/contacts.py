"""A protected person's contact details for an operator: only through an incident of their regions.

The one place the rule is kept; any page or API that shows a victim's phone, e-mail or address to
the monitoring centre calls `protected_contacts_for_incident` (docs/need-to-know.md, "Access by region").
"""

from django.http import Http404

from geofence.models import Incident
from registry.audit_reads import record_read
from registry.models import ProtectedPerson
from registry.regions import is_region_bound
from registry.roles import may_see_protected_persons

from .access import is_monitor_user

AUDIT_ACTION = "monitor.protected_contacts"


def protected_contacts_for_incident(request, incident_id: int, purpose: str = "") -> list[ProtectedPerson]:
    """Return the persons an incident's ban protects, with their contact details, and audit the read.

    Raise Http404 unless the user works in the monitoring centre and the incident is in their regions; a
    region-bound operator gets them only while the incident is active (open, escalated, in hand).
    """
    user = request.user
    incident = Incident.objects.visible_to(user).select_related("ban").filter(pk=incident_id).first()
    if incident is None or not (is_monitor_user(user) and may_see_protected_persons(user)):
        raise Http404
    if is_region_bound(user) and not incident.is_active:
        raise Http404
    persons = incident.protected_persons()
    record_read(
        request,
        AUDIT_ACTION,
        person_ids=[incident.person_id] if incident.person_id else [],
        protected_person_ids=[p.pk for p in persons],
        target=incident,
        purpose=purpose,
    )
    return persons
