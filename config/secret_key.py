"""Refuse a missing, short or published SECRET_KEY outside development.

The key signs sessions, CSRF tokens and password-reset links: anyone who knows
it can forge a signed-in session. Published keys (the development default, the
placeholder of .env.example) are as good as none.
"""

from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_SECRET_KEY = "banwatch-development-key-never-use-in-production"  # noqa: S105
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_CHARACTERS = 5
# Any key containing one of these was copied from a template, not generated.
PLACEHOLDER_MARKERS = ("change-me", "changeme", "django-insecure", "development-key", "secret-key")
GENERATE_HINT = (
    "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))' "
    "and put it in .env as SECRET_KEY=..."
)


def check_secret_key(key: str) -> str:
    """Return the key when it is fit for production; raise ImproperlyConfigured saying why not."""
    if not key:
        raise ImproperlyConfigured(f"Set SECRET_KEY: DEBUG is false and no SECRET_KEY is set. {GENERATE_HINT}")
    lowered = key.lower()
    if key == DEVELOPMENT_SECRET_KEY or any(marker in lowered for marker in PLACEHOLDER_MARKERS):
        raise ImproperlyConfigured(f"Set SECRET_KEY: the key is a published placeholder. {GENERATE_HINT}")
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_SECRET_KEY_CHARACTERS:
        raise ImproperlyConfigured(
            f"Set SECRET_KEY: the key is too weak ({len(key)} characters; at least {MIN_SECRET_KEY_LENGTH}, "
            f"not one character repeated). {GENERATE_HINT}"
        )
    return key


def configured_secret_key() -> str:
    """Return settings.SECRET_KEY, or "" where Django refuses to hand out an empty key."""
    from django.conf import settings

    try:
        return settings.SECRET_KEY
    except ImproperlyConfigured:
        return ""
