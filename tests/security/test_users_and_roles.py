"""Role groups come from a migration; `manage.py create_user --role ...` makes a user of a role."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError

from registry.roles import ROLE_PERMISSIONS, Role, has_role

PASSWORD = "lang-genoeg-en-ongewoon-7"  # noqa: S105


def create(monkeypatch, username: str, *roles: str, password: str = PASSWORD) -> str:
    monkeypatch.setenv("NIEUW_WACHTWOORD", password)
    out = StringIO()
    args = [arg for role in roles for arg in ("--role", role)]
    call_command("create_user", username, *args, "--password-from-env", "NIEUW_WACHTWOORD", stdout=out)
    return out.getvalue()


def test_the_migrations_create_a_group_per_role_with_its_permissions(db):
    for role, names in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert granted == set(names), role


def test_a_registrar_group_may_add_bans_in_the_admin(db):
    user = User.objects.create_user("reg", password=PASSWORD)
    user.groups.add(Group.objects.get(name=Role.REGISTRAR))
    assert user.has_perm("registry.add_ban")
    assert not user.has_perm("geofence.change_incident")


def test_create_user_makes_a_user_with_the_role(db, monkeypatch):
    assert "gemaakt" in create(monkeypatch, "nieuwe-operator", "monitoring_operator")
    user = User.objects.get(username="nieuwe-operator")
    assert user.check_password(PASSWORD)
    assert has_role(user, Role.MONITORING_OPERATOR) and not has_role(user, Role.REGISTRAR)


def test_the_admin_role_makes_a_superuser(db, monkeypatch):
    create(monkeypatch, "nieuwe-beheerder", "admin")
    user = User.objects.get(username="nieuwe-beheerder")
    assert user.is_superuser and user.is_staff


def test_a_weak_password_or_an_existing_name_is_refused(db, monkeypatch):
    with pytest.raises(CommandError, match="Wachtwoord geweigerd"):
        create(monkeypatch, "zwak", "registrar", password="123")
    create(monkeypatch, "bestaand", "registrar")
    with pytest.raises(CommandError, match="bestaat al"):
        create(monkeypatch, "BESTAAND", "registrar")


def test_an_unknown_role_is_refused(db, monkeypatch):
    with pytest.raises(CommandError):
        create(monkeypatch, "onbekend", "koning")
