"""Settings come from the environment; with nothing set, the embedded default needs no service."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'queue': settings.POLICE_QUEUE_URL, 'debug': settings.DEBUG, "
    "'prepare': settings.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold', 'unset')}))"
)
VARIABLES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "POLICE_QUEUE_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "BANWATCH_DEMO",
    "DB_PREPARE_THRESHOLD",
)
PG_URL = "postgres://postgres@127.0.0.1:5432/banwatch"
PRODUCTION_KEY = "pr0d-" + "k3y".join(str(n) for n in range(20))


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def start_web_process(code: str = "import config.wsgi", **env: str) -> subprocess.CompletedProcess:
    """Run `code` (by default: start the WSGI application as gunicorn does) with only `env` of our settings set."""
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


def test_nothing_set_is_production_and_the_web_process_refuses_to_start_without_a_secret_key(tmp_path):
    result = start_web_process(BANWATCH_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "Set SECRET_KEY: DEBUG is false and no SECRET_KEY is set." in result.stderr


def test_nothing_set_is_production_and_nothing_signs_without_a_secret_key(tmp_path):
    probe = "import django; django.setup(); from django.core import signing; signing.dumps(1)"
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", BANWATCH_VAR_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_development_mode_gives_sqlite_in_process_celery_and_a_local_police_queue(tmp_path):
    result = load_settings(BANWATCH_VAR_DIR=str(tmp_path), DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "engine": "django.db.backends.sqlite3",
        "eager": True,
        "queue": "filesystem://",
        "debug": True,
        "prepare": "unset",  # SQLite prepares nothing of ours
    }


def test_urls_select_postgresql_and_a_real_broker():
    result = load_settings(
        DEBUG="true",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/banwatch",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        POLICE_QUEUE_URL="amqp://guest:guest@127.0.0.1:5672//",
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["eager"] is False
    assert loaded["queue"].startswith("amqp://")
    assert loaded["prepare"] == 5  # statements run five times on a connection are prepared


@pytest.mark.parametrize(("value", "prepare"), [("off", None), ("0", 0), ("12", 12)])
def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler(value, prepare):
    result = load_settings(
        DEBUG="true", DATABASE_URL="postgres://postgres@127.0.0.1:5432/b", DB_PREPARE_THRESHOLD=value
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["prepare"] == prepare


def test_a_prepare_threshold_that_is_not_a_number_is_refused():
    result = load_settings(DEBUG="true", DATABASE_URL=PG_URL, DB_PREPARE_THRESHOLD="no")
    assert result.returncode != 0 and "DB_PREPARE_THRESHOLD='no' is not an integer" in result.stderr


def test_production_mode_refuses_the_development_secret_key():
    result = load_settings(DEBUG="false", SECRET_KEY="banwatch-development-key-never-use-in-production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_mode_starts_with_a_secret_key_of_its_own():
    result = load_settings(DEBUG="false", SECRET_KEY=PRODUCTION_KEY, ALLOWED_HOSTS="banwatch.example")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_a_debug_value_that_is_not_a_boolean_is_refused():
    result = load_settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_migrate_and_check_work_with_nothing_set_and_no_var_folder(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES and k != "DJANGO_SETTINGS_MODULE"}
    clean["BANWATCH_VAR_DIR"] = str(tmp_path / "not-yet")
    for command in (["migrate", "-v0"], ["check"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "not-yet" / "banwatch.sqlite3").exists()


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("CHANGE-ME-50-random-characters", "a published placeholder"),  # .env.example
        ("banwatch-development-key-never-use-in-production", "a published placeholder"),
        ("kort-maar-uniek", "too weak"),
        ("x" * 60, "too weak"),
    ],
)
def test_production_mode_refuses_a_short_or_published_secret_key(key, reason):
    result = load_settings(DEBUG="false", SECRET_KEY=key)
    assert result.returncode != 0
    assert f"Set SECRET_KEY: the key is {reason}" in result.stderr


def test_the_placeholder_of_env_example_is_refused():
    example = (ROOT / ".env.example").read_text()
    key = next(line.split("=", 1)[1] for line in example.splitlines() if line.startswith("SECRET_KEY="))
    result = load_settings(DEBUG="false", SECRET_KEY=key)
    assert result.returncode != 0
    assert "published placeholder" in result.stderr


def test_production_has_no_demo_commands(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", BANWATCH_VAR_DIR=str(tmp_path), SECRET_KEY=PRODUCTION_KEY)
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "Unknown command: 'seed_demo'" in result.stderr


def test_the_embedded_database_takes_the_write_lock_when_a_transaction_begins(tmp_path):
    """Begun as a reader, a transaction that writes after another process wrote fails at once ("locked")."""
    probe = (
        "import django, threading; from django.conf import settings; django.setup(); "
        "from django.core.management import call_command; call_command('migrate', verbosity=0); "
        "from django.db import connection, transaction; from django.contrib.auth.models import Group; "
        "g = Group.objects.create(name='a'); started = threading.Event(); written = threading.Event()\n"
        "def other():\n"
        "    from django.db import connection as own\n"
        "    started.wait(); Group.objects.create(name='b'); own.close(); written.set()\n"
        "t = threading.Thread(target=other); t.start()\n"
        "with transaction.atomic():\n"
        "    list(Group.objects.all()); started.set(); written.wait(2); g.name = 'c'; g.save()\n"
        "t.join(); print(sorted(Group.objects.filter(name__in='abc').values_list('name', flat=True)))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="true", BANWATCH_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "['b', 'c']"


def web_start_report(probe: str, tmp_path) -> dict:
    """Start the WSGI application as gunicorn does, run `probe` after it, and return the JSON it printed last."""
    result = start_web_process(probe, DEBUG="true", BANWATCH_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# Reports what the first request would still have to do.
FIRST_REQUEST_PROBE = (
    "import json, sys, config.wsgi; from django.urls import get_resolver, reverse; "
    "populated = get_resolver()._populated; before = set(sys.modules); "
    "reverse('lookup'); reverse('login'); reverse('admin:login'); "
    "print(json.dumps({'populated': populated, 'imported': sorted(set(sys.modules) - before)}))"
)


def test_the_web_process_loads_the_url_configuration_before_the_first_request(tmp_path):
    # Loaded lazily, the first request of each worker (an officer's lookup) imported every view module
    # and compiled every route's pattern: about 0.2 s.
    assert web_start_report(FIRST_REQUEST_PROBE, tmp_path) == {"populated": True, "imported": []}


# What the first request in each language would still find unloaded: Django keeps a reverse table and a
# translation catalogue per language.
LANGUAGES_PROBE = (
    "import json, config.wsgi; from django.conf import settings; from django.urls import get_resolver; "
    "from django.utils.translation import trans_real; "
    "print(json.dumps({'routes': sorted(get_resolver()._reverse_dict), "
    "'catalogues': sorted(set(trans_real._translations) & set(dict(settings.LANGUAGES)))}))"
)


def test_the_web_process_loads_every_language_s_routes_and_texts_before_the_first_request(tmp_path):
    # Only Dutch was loaded: a worker's first English request compiled every route again (about 0.1 s).
    assert web_start_report(LANGUAGES_PROBE, tmp_path) == {"routes": ["en", "nl"], "catalogues": ["en", "nl"]}
