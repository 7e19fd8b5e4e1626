from django.apps import AppConfig
from django.apps import apps as global_apps
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

        # Django sends post_migrate only for apps with models, which this one has not: listen to the last one's.
        post_migrate.connect(_sync_role_groups, dispatch_uid="banwatch-sync-role-groups")


def _sync_role_groups(sender, verbosity: int = 1, **kwargs) -> None:
    if sender is not [app for app in global_apps.get_app_configs() if app.models_module][-1]:
        return
    # A role permission added to ROLE_PERMISSIONS after the data migration ran reaches the groups here.
    from .roles_setup import sync_role_groups

    # The real models, not the signal's migration state: every table exists once migrate has finished, and
    # the state handed to the first app's signal may not know the models of apps migrated after it.
    sync_role_groups(verbosity=0)
