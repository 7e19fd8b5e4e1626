"""Create the role groups and give each its permissions (used by the data migration and after every migrate)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from registry.roles import ROLE_PERMISSIONS


def sync_role_groups(apps=global_apps, verbosity: int = 0, skip_missing: bool = False) -> None:
    """Create every role's group and set its permissions to ROLE_PERMISSIONS; missing permissions are created first.

    The data migration skips permissions of models that later migrations add; the sync after every migrate
    (accounts/apps.py) then sets them all.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    labels = {name.partition(".")[0] for names in ROLE_PERMISSIONS.values() for name in names}
    for label in labels:
        create_permissions(global_apps.get_app_config(label), verbosity=verbosity, apps=apps)
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = [name.split(".") for name in names]
        permissions = [
            Permission.objects.filter(content_type__app_label=app, codename=code).first() for app, code in wanted
        ]
        missing = [".".join(pair) for pair, found in zip(wanted, permissions, strict=True) if found is None]
        if missing and not skip_missing:
            raise LookupError(f"permissions of role {role} not found: {', '.join(missing)}")
        group.permissions.set([p for p in permissions if p is not None])
