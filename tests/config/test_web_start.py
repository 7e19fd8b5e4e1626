"""A web worker is ready for its first request when it starts, not during it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Imports the WSGI application as gunicorn does, then reports what the first request would still have to do.
PROBE = (
    "import json, sys, config.wsgi; from django.urls import get_resolver, reverse; "
    "resolver = get_resolver(); populated = resolver._populated; before = set(sys.modules); "
    "reverse('lookup'); reverse('login'); reverse('admin:login'); "
    "print(json.dumps({'populated': populated, 'imported': sorted(set(sys.modules) - before)}))"
)


def test_the_url_configuration_is_loaded_before_the_first_request(tmp_path):
    # Loaded lazily, the first request of each worker (an officer's lookup) imported every view module
    # and compiled every route's pattern: about 0.2 s.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="true", BANWATCH_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    ready = json.loads(result.stdout.strip().splitlines()[-1])
    assert ready == {"populated": True, "imported": []}
