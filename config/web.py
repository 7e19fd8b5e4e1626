"""What the web process (WSGI or ASGI) checks before it serves a single request."""

import django
from django.conf import settings

from config.deploy_checks import enforce_deploy_checks
from config.secret_key import check_secret_key, configured_secret_key


def refuse_unsafe_start() -> None:
    """Raise ImproperlyConfigured, saying why, when production settings are unsafe to serve with.

    Call it before building the application: building it already needs the key.
    """
    if settings.DEBUG:
        return
    check_secret_key(configured_secret_key())
    django.setup(set_prefix=False)
    enforce_deploy_checks()
