"""System checks for sign-in settings that must never reach production."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from config.secret_key import check_secret_key, configured_secret_key


@register()
def demo_mode_only_in_development(app_configs, **kwargs) -> list[Error]:
    """Refuse demo mode (published passwords, optional second factor) when DEBUG is false."""
    if settings.DEMO_MODE and not settings.DEBUG:
        return [
            Error(
                "BANWATCH_DEMO is true while DEBUG is false.",
                hint="Demo mode has published passwords and makes the second factor optional: unset BANWATCH_DEMO.",
                id="banwatch.E101",
            )
        ]
    return []


@register()
def trusted_proxy_count_is_not_negative(app_configs, **kwargs) -> list[Error]:
    if settings.TRUSTED_PROXY_COUNT < 0:
        return [
            Error("TRUSTED_PROXY_COUNT is negative.", hint="Use 0 (no proxy) or 1 (the TLS proxy).", id="banwatch.E102")
        ]
    return []


@register(deploy=True)
def secret_key_of_its_own(app_configs, **kwargs) -> list[Error]:
    """Refuse to deploy without a secret key (commands that sign nothing, such as migrate, still run)."""
    if settings.DEBUG:
        return []
    try:
        check_secret_key(configured_secret_key())
    except ImproperlyConfigured as refused:
        return [Error(str(refused), id="banwatch.E103")]
    return []
