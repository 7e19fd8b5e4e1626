"""The admin site: open to staff and to the roles whose work is done there (registry.roles.ROLES_USING_ADMIN)."""

from django.contrib import admin

from registry.roles import ROLES_USING_ADMIN, has_role


class BanwatchAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        # A role is given by its group, so taking the role away also closes the admin; is_staff would stay behind.
        user = request.user
        return user.is_active and (user.is_staff or has_role(user, *ROLES_USING_ADMIN))
