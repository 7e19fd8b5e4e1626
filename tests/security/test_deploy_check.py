"""`manage.py check --deploy` is clean in production settings, and production settings are what they claim."""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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
    inherited = set(PRODUCTION) | {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "BANWATCH_DEMO"}
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_no_issue_in_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_a_weak_secret_key_is_refused_before_any_check():
    result = run(["manage.py", "check", "--deploy"], **PRODUCTION | {"SECRET_KEY": "kort-maar-uniek"})
    assert result.returncode != 0
    assert "Set SECRET_KEY: the key is too weak" in result.stderr


def test_the_web_process_starts_with_production_settings():
    result = run(["-c", "import config.wsgi"], **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_the_web_process_refuses_to_start_in_demo_mode():
    result = run(["-c", "import config.wsgi"], **PRODUCTION | {"BANWATCH_DEMO": "true"})
    assert result.returncode != 0
    assert "Refusing to start: the deployment checks failed." in result.stderr
    assert "banwatch.E101" in result.stderr


def test_the_web_process_refuses_to_start_on_a_blocking_deploy_warning():
    # An empty ALLOWED_HOSTS (security.W020) is a forgotten setting, not a choice.
    result = run(["-c", "import config.wsgi"], **PRODUCTION | {"ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "security.W020" in result.stderr


def test_an_explicit_opt_out_is_logged_at_start_not_refused():
    result = run(["-c", "import config.wsgi"], **PRODUCTION | {"SECURE_SSL_REDIRECT": "false"})
    assert result.returncode == 0, result.stderr
    assert "security.W008" in result.stderr


def test_unset_debug_is_production():
    env = {k: v for k, v in PRODUCTION.items() if k != "DEBUG"}
    result = run(["-c", PROBE], **env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["DEBUG"] is False
    assert json.loads(result.stdout)["SESSION_COOKIE_SECURE"] is True


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
    result = run(["manage.py", "check", "--deploy"], **env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_with_the_settings_docker_compose_gives_the_web_service(tmp_path):
    """The environment docker-compose hands the web container, from .env.example with its CHANGE-MEs filled in."""
    compose = shutil.which("docker-compose")
    if compose is None:
        if os.environ.get("CI"):
            raise AssertionError("docker-compose is missing: .ci/run must install it")
        pytest.skip("docker-compose is not installed")
    example = (ROOT / ".env.example").read_text()
    filled = re.sub(r"CHANGE-ME[\w-]*", lambda _m: secrets.token_urlsafe(50), example)
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    (tmp_path / ".env").write_text(filled)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCKER_")) and k not in PRODUCTION}
    config = subprocess.run([compose, "config"], cwd=tmp_path, env=clean, capture_output=True, text=True, timeout=60)
    assert config.returncode == 0, config.stderr
    web = {k: str(v) for k, v in yaml.safe_load(config.stdout)["services"]["web"]["environment"].items()}
    assert web["DEBUG"] == "false"
    result = run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], **web)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
