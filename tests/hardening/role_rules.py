"""Who may use which route: the rule table the generated role matrix checks every route against.

A route that answers a method without a rule here fails tests/hardening/test_role_matrix.py by name.
Roles are those of hardening_world.ROLES; the admin is a superuser and so holds every role.
"""

from dataclasses import dataclass, field

from hardening_world import ROLES, VENDORS

PEOPLE = frozenset(ROLES) - {"anonymous", *VENDORS}
EVERYONE = frozenset(ROLES)
REGISTRAR = frozenset({"registrar", "admin"})
REGISTRY_READERS = REGISTRAR | {"supervisor"}
MONITOR = frozenset({"operator", "supervisor", "admin"})
LOOKUP = frozenset({"officer", "operator", "supervisor", "registrar", "admin"})
CASEWORK_WRITERS = frozenset({"registrar", "operator", "admin"})  # letters and reports
CASEWORK_READERS = CASEWORK_WRITERS | {"supervisor"}
DEVICE_READERS = REGISTRY_READERS | MONITOR  # assignments: who wears which device
DEVICE_USERS = DEVICE_READERS | frozenset(VENDORS)  # a vendor by its key, on its own devices only
DEVICE_WRITERS = REGISTRAR | frozenset(VENDORS)
# The world's device belongs to vendor A: vendor B gets 404 for it (tests/integration_api/test_devices_api.py
# checks which vendor gets which).
OWN_DEVICE = frozenset({200, 404})


@dataclass(frozen=True)
class Rule:
    """Per method: the roles allowed and the status they get for the matrix's probe request.

    kind says how everybody else is turned away:
    api     - not authenticated (anonymous, a vendor key outside the feed API) 401, other roles 403;
    feed    - anything but a vendor key 401 (the feed API knows no people);
    page    - not logged in: redirect to the login page; other roles 403;
    admin   - anyone but staff and the roles working in the admin (ADMIN_USERS): redirect to the admin login page;
    public  - no refusal: every role gets the allowed status.
    Vendor keys are no login for pages: a vendor is anonymous there.
    """

    kind: str
    methods: dict[str, tuple[frozenset[str], int | frozenset[int]]] = field(default_factory=dict)


def api(**methods) -> Rule:
    return Rule("api", methods)


def page(roles: frozenset[str], status: int = 200) -> Rule:
    return Rule("page", {"get": (roles, status)})


def registry_crud(prefix: str, readers: frozenset[str] = REGISTRY_READERS) -> dict[str, Rule]:
    """Rules of a registry viewset: list, detail and history; writes by the registrar only."""
    return {
        f"{prefix}-list": api(get=(readers, 200), post=(REGISTRAR, 400)),
        f"{prefix}-detail": api(get=(readers, 200), put=(REGISTRAR, 400), patch=(REGISTRAR, 400)),
        f"{prefix}-history": api(get=(readers, 200)),
    }


def lifecycle(prefix: str) -> dict[str, Rule]:
    """An empty body to a lifecycle action lacks its reason: 400 for the registrar."""
    actions = ("activate", "suspend", "reinstate", "revoke", "end")
    return {f"{prefix}-{action}": api(post=(REGISTRAR, 400)) for action in actions}


# The probe for an allowed role: GET as is; POST/PUT/PATCH with an empty JSON body.
RULES: dict[str, Rule] = {
    # Pages and login
    "home": page(PEOPLE, 302),  # each role is sent on to its own page (the admin to the admin site)
    "login": Rule("public", {"get": (EVERYONE, 200), "post": (EVERYONE, 200), "put": (EVERYONE, 200)}),
    "logout": Rule("public", {"post": (EVERYONE, 200)}),
    "set_language": Rule("public", {"post": (EVERYONE, 302)}),
    # The second factor and the sessions of the signed-in user (the matrix's users have given the second factor)
    "two-factor": Rule("page", {"get": (PEOPLE, 302), "post": (PEOPLE, 302)}),
    "recovery-codes": Rule("page", {"post": (PEOPLE, 200)}),
    "logout-everywhere": Rule("page", {"post": (PEOPLE, 302)}),
    "lookup-page": page(LOOKUP),
    "registrar-desk": page(REGISTRY_READERS),
    # Decision import jobs: a registrar uploads (no file in the probe: 400), a supervisor follows them
    "registry:import-jobs": Rule("page", {"get": (REGISTRY_READERS, 200), "post": (REGISTRAR, 400)}),
    "registry:import-job": page(REGISTRY_READERS),
    "registry:import-job-progress": page(REGISTRY_READERS),
    "monitor:board": page(MONITOR),
    "monitor:incident": page(MONITOR),
    "monitor:devices": page(MONITOR),
    "monitor:handover": Rule("page", {"get": (MONITOR, 200), "post": (MONITOR, 400)}),  # an empty note
    "monitor:statistics": page(MONITOR),
    "monitor:statistics-csv": page(MONITOR),
    # The monitor's JSON answers like the API
    "monitor:api-incidents": api(get=(MONITOR, 200)),
    "monitor:api-incident": api(get=(MONITOR, 200)),
    "monitor:api-incident-action": api(post=(MONITOR, 400)),  # no version in an empty body
    "monitor:api-devices": api(get=(MONITOR, 200)),
    "monitor:api-casework": api(get=(MONITOR, 200)),
    # Casework writes check the body before who handles the incident: an empty body lacks its field.
    "monitor:api-victim-reveal": api(post=(MONITOR, 422)),
    "monitor:api-victim-contacts": api(post=(MONITOR, 422)),
    "monitor:api-checklist": api(post=(MONITOR, 422)),
    "monitor:map": page(MONITOR),
    "monitor:api-map": api(get=(MONITOR, 200)),
    "monitor:api-incident-replay": api(get=(MONITOR, 200)),
    # API description: for any logged-in user, vendors included only by key on the feed API
    "schema": api(get=(PEOPLE, 200)),
    "swagger-ui": api(get=(PEOPLE, 200)),
    "redoc": api(get=(PEOPLE, 200)),
    "api-root": api(get=(PEOPLE, 200)),
    "health": Rule("public", {"get": (EVERYONE, frozenset({200, 503}))}),
    "metrics": api(get=(frozenset({"supervisor", "admin"}), 200)),  # or a scraper with METRICS_TOKEN
    # Registry
    **registry_crud("person"),
    **registry_crud("protected-person"),  # victims in bulk: not operators (need to know)
    **registry_crud("decision"),
    **registry_crud("ban"),
    **lifecycle("decision"),
    **lifecycle("ban"),
    "import-list": api(get=(REGISTRY_READERS, 200), post=(REGISTRAR, 202)),  # "{}" becomes a job
    "import-detail": api(get=(REGISTRY_READERS, 200)),
    "import-rejected": api(get=(REGISTRY_READERS, 200)),
    # Lookup and audit (docs/need-to-know.md)
    "lookup": api(get=(LOOKUP, 400), post=(LOOKUP, 400)),  # no query given
    # Operators see a victim only through an incident of their regions (geofence/monitor/casework.py).
    "lookup-protected": api(get=(REGISTRY_READERS, 200)),
    "audit-list": api(get=(frozenset({"supervisor", "admin"}), 200)),
    # Alerts: operators watch them, the police dispatch system acknowledges them
    "alert-list": api(get=(MONITOR, 200)),
    "alert-detail": api(get=(MONITOR, 200)),
    "alert-ack": api(post=(frozenset({"dispatch", "admin"}), 400)),  # no outcome in an empty body
    "alert-retry": api(post=(MONITOR, 409)),  # already published
    "alert-seen": api(post=(MONITOR, 409)),  # already published
    # Feeds: vendors only, each on its own devices (test_vendor_isolation)
    "feed-positions": Rule("feed", {"post": (frozenset(VENDORS), 400)}),
    "feed-events": Rule("feed", {"post": (frozenset(VENDORS), 400)}),
    # Bridges from device protocols onto the feed: vendors only, by key, as the feed
    "bridge-traccar-positions": Rule("feed", {"post": (frozenset(VENDORS), 400)}),  # no position object
    "bridge-traccar-events": Rule("feed", {"post": (frozenset(VENDORS), 400)}),
    # OsmAnd is a query string or a form: the probe's JSON body is 415
    "bridge-osmand": Rule("feed", {"get": (frozenset(VENDORS), 400), "post": (frozenset(VENDORS), 415)}),
    # Integration API: devices (registrar and own vendor write), assignments (registrar), incidents (centre)
    "device-list": api(get=(DEVICE_USERS, 200), post=(DEVICE_WRITERS, 400)),
    "device-detail": api(get=(DEVICE_USERS, OWN_DEVICE)),
    "device-retire": api(post=(DEVICE_WRITERS, frozenset({400, 404}))),  # no reason given
    "device-replace": api(post=(DEVICE_WRITERS, frozenset({400, 404}))),  # no new device given
    "assignment-list": api(get=(DEVICE_READERS, 200), post=(REGISTRAR, 400)),
    "assignment-detail": api(get=(DEVICE_READERS, 200)),
    "assignment-end": api(post=(REGISTRAR, 400)),  # no end given
    "incident-list": api(get=(MONITOR, 200)),
    "incident-detail": api(get=(MONITOR, 200)),
    # Victim letters and OM reports
    "letters-list": api(get=(CASEWORK_READERS, 200)),
    "letters-overdue": api(get=(CASEWORK_READERS, 200)),
    "letters-detail": api(get=(CASEWORK_READERS, 200)),
    "letters-pdf": api(get=(CASEWORK_READERS, 200)),
    "letters-generate": api(post=(CASEWORK_WRITERS, 400)),  # no ban named
    "letters-sent": api(post=(CASEWORK_WRITERS, 400)),  # not generated yet / no date
    "reports-list": api(get=(CASEWORK_READERS, 200), post=(CASEWORK_WRITERS, 400)),
    "reports-overdue": api(get=(CASEWORK_READERS, 200)),
    "reports-detail": api(get=(CASEWORK_READERS, 200)),
    "reports-export-json": api(get=(CASEWORK_READERS, 200)),
    "reports-pdf": api(get=(CASEWORK_READERS, 200)),
    "reports-sent": api(post=(CASEWORK_WRITERS, 200)),
    "reports-assessment": api(post=(REGISTRAR, 400)),
}

# The admin site: staff, and the roles whose work is done there (registry.roles.ROLES_USING_ADMIN); what each
# sees there follows its model permissions.
ADMIN_USERS = frozenset({"admin", "registrar"})
# The admin site. What the admin gets depends on the page (a missing object redirects,
# a read-only model refuses adding), so any answer short of an error or a login redirect will do.
ADMIN_ANSWERS = frozenset({200, 302, 403, 404, 405})
# The admin's own login and logout: a logged-in admin is sent on from the login page, and logging out
# takes a POST (a GET is 405 for the admin, a redirect for everybody else).
ADMIN_PUBLIC = {"admin:login": frozenset({200, 302}), "admin:logout": frozenset({302, 405})}


def rule_for(name: str) -> Rule | None:
    """Return the rule for a URL name; every admin page shares one rule, except the public few."""
    if name in ADMIN_PUBLIC:
        return Rule("public", {"get": (EVERYONE, ADMIN_PUBLIC[name])})
    if name.startswith("admin:"):
        return Rule("admin", {m: (ADMIN_USERS, ADMIN_ANSWERS) for m in ("get", "post", "put", "patch", "delete")})
    return RULES.get(name)
