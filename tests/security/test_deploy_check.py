"""`manage.py check --deploy` is clean in production settings, and production settings are what they claim."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What production sets (docs/operations.md); the key is random per run, as a real one would be.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3Y-" + os.urandom(32).hex(),
    "ALLOWED_HOSTS": "banwatch.example.nl",
    "CSRF_TRUSTED_ORIGINS": "https://banwatch.example.nl",
    "DATABASE_URL": "postgres://banwatch@db.example.nl:5432/banwatch",
    "CELERY_BROKER_URL": "redis://redis.example.nl:6379/0",
    "CACHE_URL": "redis://redis.example.nl:6379/1",
    "POLICE_QUEUE_URL": "amqp://guest:guest@mq.example.nl:5672//",
}
PROBE = """
import json, django
from django.conf import settings
django.setup()
names = ["SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
         "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_SSL_REDIRECT", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS", "DEBUG"]
print(json.dumps({n: getattr(settings, n) for n in names} | {"CACHE": settings.CACHES["default"]["BACKEND"]}))
"""


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does.
    inherited = set(PRODUCTION) | {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_no_issue_in_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_notices_a_weak_secret_key():
    result = run(["manage.py", "check", "--deploy"], **PRODUCTION | {"SECRET_KEY": "kort"})
    assert "security.W009" in result.stdout + result.stderr


def test_production_settings_make_cookies_and_headers_strict():
    result = run(["-c", PROBE], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "DEBUG": False,
        "CACHE": "django.core.cache.backends.redis.RedisCache",
    }


def test_production_refuses_to_start_without_a_secret_key_of_its_own():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
