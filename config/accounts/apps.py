from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles, sign-in (throttle, second factor, session lifetime) and API tokens."""

    name = "config.accounts"
    label = "accounts"
    verbose_name = _("Accounts en aanmelden")

    def ready(self) -> None:
        # Signal receivers and system checks register on import.
        from config import login_throttle, sessions  # noqa: F401

        from . import checks  # noqa: F401

        post_migrate.connect(_sync_role_groups, sender=self)


def _sync_role_groups(sender, apps, verbosity: int = 1, **kwargs) -> None:
    # A role permission added to ROLE_PERMISSIONS after the data migration ran reaches the groups here.
    from .roles_setup import sync_role_groups

    sync_role_groups(apps, verbosity=0)
