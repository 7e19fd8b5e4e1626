"""The roles of banwatch users: one group each, defined once here."""

from collections.abc import Iterable
from enum import StrEnum
from functools import cache

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db import connection


class Role(StrEnum):
    REGISTRAR = "registrar"
    POLICE_OFFICER = "police_officer"
    MONITORING_OPERATOR = "monitoring_operator"
    SUPERVISOR = "supervisor"
    DEVICE_FEED = "device_feed"
    POLICE_DISPATCH = "police_dispatch"


# Django model permissions of each role's group, for the admin site (the app's own pages and API check the
# roles themselves). Created with the groups by the accounts app's data migration, kept in step on migrate.
_VIEW_REGISTRY = [
    "registry.view_person",
    "registry.view_protectedperson",
    "registry.view_decision",
    "registry.view_ban",
]
_VIEW_MONITORING = [
    "geofence.view_incident",
    "geofence.view_incidentevent",
    "geofence.view_device",
    "geofence.view_devicestatus",
    "geofence.view_deviceassignment",
    "alerts.view_alertoutbox",
]
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.REGISTRAR: [
        *_VIEW_REGISTRY,
        *(f"registry.{action}_{model}" for action in ("add", "change") for model in ("person", "protectedperson")),
        *(f"registry.{action}_{model}" for action in ("add", "change") for model in ("decision", "ban")),
        "registry.view_importbatch",
        "letters.view_victimnotice",
        "letters.change_victimnotice",
        "reports.view_violationreport",
        "reports.change_violationreport",
        # The desk's devices without a wearer: the registrar records who wears which device.
        "geofence.view_device",
        "geofence.view_deviceassignment",
        "geofence.add_deviceassignment",
    ],
    Role.MONITORING_OPERATOR: [*_VIEW_MONITORING],
    Role.SUPERVISOR: [
        *_VIEW_REGISTRY,
        *_VIEW_MONITORING,
        "geofence.change_incident",
        "geofence.view_vendor",
        "geofence.view_vendorapikey",
        "alerts.change_alertoutbox",
        "registry.view_auditentry",
        *(f"registry.{action}_regionmembership" for action in ("view", "add", "change", "delete")),
        "monitor.view_banregion",
        "monitor.add_banregion",
        "monitor.change_banregion",
        "letters.view_victimnotice",
        "reports.view_violationreport",
    ],
    Role.POLICE_OFFICER: [],
    Role.DEVICE_FEED: [],
    Role.POLICE_DISPATCH: [],
}

# Who works in the admin site without being staff: the role's model permissions above decide what they see there.
ROLES_USING_ADMIN = frozenset({Role.REGISTRAR})

# Who may see a protected person's identity, contact details and address.
ROLES_SEEING_PROTECTED_PERSONS = frozenset({Role.REGISTRAR, Role.MONITORING_OPERATOR, Role.SUPERVISOR})


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[Role]:
    """Return the roles of a user (cached on the user object for the request)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_banwatch_roles", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(_group_names_sql(), [user.pk])
            cached = remember_roles(user, [name for (name,) in cursor.fetchall()])
    return cached


def remember_roles(user: AbstractBaseUser, group_names: Iterable[str]) -> frozenset[Role]:
    """Keep, for this request, the roles of a user whose group names were read with it; return them.

    Token authentication reads them in its own statement (config.accounts.tokens): roles_of then reads nothing.
    """
    names = set(group_names)
    user._banwatch_roles = frozenset(role for role in Role if role.value in names)
    return user._banwatch_roles


@cache
def _group_names_sql() -> str:
    """The SQL of a user's group names, compiled by the ORM once per process.

    Every API request asks; compiling the query each time cost more CPU (0.8 ms) than running it (0.2 ms).
    """
    sql, _params = Group.objects.filter(user__pk=0).values_list("name", flat=True).query.sql_with_params()
    return sql


def has_role(user, *roles: Role) -> bool:
    """Return True when the user holds at least one of the roles (superusers hold all)."""
    if user.is_authenticated and user.is_superuser:
        return True
    return bool(roles_of(user) & set(roles))


def may_see_protected_persons(user) -> bool:
    return has_role(user, *ROLES_SEEING_PROTECTED_PERSONS)
