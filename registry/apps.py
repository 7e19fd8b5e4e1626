from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Register van verboden")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401  (registers system checks)
        from .db import use_compiled_timestamp_loader

        connection_created.connect(use_compiled_timestamp_loader, dispatch_uid="banwatch-compiled-timestamp-loader")
