from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "registry.letters"
    label = "letters"
    verbose_name = _("Brieven aan beschermde personen")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (keeps due letters in step with ban changes)
