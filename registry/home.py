"""The landing page: send each user to where their role works, and the registrar's overdue work."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from registry.audit_reads import record_read
from registry.models import Ban
from registry.roles import Role, has_role, roles_of
from registry.terms import legal_warnings

# The desk lists this many bans past their term at most; the API's bans list gives the rest with their warnings.
MAX_TERM_WARNINGS = 200

# First match wins: a user with several roles lands where the most urgent work is.
ROLE_HOMES = (
    ((Role.MONITORING_OPERATOR, Role.SUPERVISOR), "monitor:board"),
    ((Role.POLICE_OFFICER,), "lookup-page"),
    ((Role.REGISTRAR,), "registrar-desk"),
    ((Role.DEVICE_FEED, Role.POLICE_DISPATCH), "swagger-ui"),
)


def home_url_name(user) -> str | None:
    """Return the URL name of the page where the user's role works, or None for a user without a role."""
    if user.is_superuser:
        return "admin:index"
    roles = roles_of(user)
    for wanted, url_name in ROLE_HOMES:
        if roles.intersection(wanted):
            return url_name
    return None


@never_cache
@login_required
def home(request):
    """Redirect to the user's working page; anonymous users go to the login page first."""
    url_name = home_url_name(request.user)
    if url_name is None:
        return render(request, "registry/no_role.html", status=403)
    return redirect(url_name)


@never_cache
@login_required
def registrar_desk(request):
    """Show what a registrar must chase: overdue victim letters, OM assessments and bans past their term."""
    if not has_role(request.user, Role.REGISTRAR, Role.SUPERVISOR):
        raise PermissionDenied
    # Looked up by label: the registry app does not import the geofence apps when it loads.
    notices = apps.get_model("letters", "VictimNotice").objects
    reports = apps.get_model("reports", "ViolationReport").objects
    # Catch up with ban changes made without signals, so the list is never short (as the API does).
    notices.reconcile()
    overdue_letters = list(
        notices.overdue().select_related("ban__decision", "ban__person", "protected_person").order_by("due_since", "id")
    )
    overdue_reports = list(
        reports.assessment_overdue()
        .select_related("incident__person", "incident__ban__decision")
        .order_by("sent_at", "id")
    )
    term_warnings = bans_past_their_term()
    # The desk names the bound persons it lists, and the protected persons of the letters.
    subjects = [r.incident.person_id for r in overdue_reports] + [ban.person_id for ban, _w in term_warnings]
    record_read(request, "registrar_desk", overdue_letters, person_ids=[i for i in subjects if i])
    context = {
        "overdue_letters": overdue_letters,
        "overdue_reports": overdue_reports,
        "term_warnings": term_warnings,
        "letter_due_days": settings.VICTIM_NOTICE_DUE_DAYS,
        "om_due_days": settings.OM_ASSESSMENT_DUE_DAYS,
    }
    return render(request, "registry/registrar_desk.html", context)


def bans_past_their_term(at=None) -> list[tuple[Ban, list[dict]]]:
    """Return open bans past their end date or legal term, each with its warnings, oldest start first."""
    candidates = Ban.objects.legal_term_candidates(at).select_related("decision", "person").order_by("valid_from")
    found = ((ban, legal_warnings(ban, at)) for ban in candidates.iterator())
    return [item for item in found if item[1]][:MAX_TERM_WARNINGS]
