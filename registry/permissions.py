"""DRF permission classes built from the roles in registry.roles."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .roles import Role, has_role


def role_permission(*roles: Role, read_roles: tuple[Role, ...] = ()) -> type[BasePermission]:
    """Return a permission class for the given roles; read_roles may only use safe methods."""

    class RolePermission(BasePermission):
        message = _("Uw rol geeft geen toegang tot deze functie.")
        allowed = roles
        read_only = read_roles

        def has_permission(self, request, view) -> bool:
            if not (request.user and request.user.is_authenticated):
                return False
            if has_role(request.user, *self.allowed):
                return True
            return request.method in ("GET", "HEAD", "OPTIONS") and has_role(request.user, *self.read_only)

    RolePermission.__name__ = "Role_" + "_".join(r.value for r in roles)
    return RolePermission


IsRegistrar = role_permission(Role.REGISTRAR)
IsOperator = role_permission(Role.MONITORING_OPERATOR, Role.SUPERVISOR)
IsPoliceOfficer = role_permission(Role.POLICE_OFFICER, Role.SUPERVISOR)
IsDeviceFeed = role_permission(Role.DEVICE_FEED)
IsPoliceDispatch = role_permission(Role.POLICE_DISPATCH)
IsSupervisor = role_permission(Role.SUPERVISOR)
