"""The landing page: send each user to where their role works, and the registrar's desk."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from registry import desk
from registry.audit_reads import record_read
from registry.roles import Role, has_role, roles_of

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
    """Show the registrar's work due within the desk's horizon or overdue, and bans past their term."""
    if not has_role(request.user, Role.REGISTRAR, Role.SUPERVISOR):
        raise PermissionDenied
    work_lists = desk.work_lists()
    term_warnings = desk.bans_past_their_term()
    items = [item for work in work_lists for item in work.items]
    record_read(
        request,
        "registrar_desk",
        person_ids=[i.person_id for i in items if i.person_id] + [ban.person_id for ban, _w in term_warnings],
        protected_person_ids=[i.protected_person_id for i in items if i.protected_person_id],
    )
    context = {
        "work_lists": work_lists,
        "term_warnings": term_warnings,
        "horizon_days": desk.DESK_HORIZON_DAYS,
    }
    return render(request, "registry/registrar_desk.html", context)
