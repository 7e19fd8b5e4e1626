"""Headless Chromium for the end-to-end tests: Debian's package, driven by Playwright, never downloaded."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def browser():
    """Launch Chromium once per session; skip locally (fail under CI) when it is missing."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must install it)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def sign_in():
    """Return a function that signs a page in through the forms: password, then the authenticator code.

    A user without a device enrols as at a first sign-in: the code is computed from the key the page shows.
    """
    from django.contrib.auth.models import User

    from tests.two_factor import authenticator, totp_code

    def sign_in_page(page, base_url: str, username: str, password: str | None = None) -> None:
        if "/accounts/login/" not in page.url:
            page.goto(base_url + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password or "password-" + username)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        if "/accounts/two-factor/" not in page.url:
            return
        if page.locator("#totp-secret").count():
            page.fill("#id_code", _code_from_secret(page.inner_text("#totp-secret")))
            page.click("button[type=submit]")
            page.wait_for_selector("#recovery-codes")
            page.click("a.primary")
        else:
            page.fill("#id_code", totp_code(authenticator(User.objects.get(username=username))))
            page.click("form[action$='/two-factor/'] button[type=submit]")
        page.wait_for_load_state()

    return sign_in_page


def _code_from_secret(secret: str) -> str:
    """Compute the current code from the key the enrolment page shows, as an authenticator app does."""
    from base64 import b32decode

    from django_otp.oath import totp

    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key, step=30, t0=0, digits=6, drift=0):06d}"


@pytest.fixture
def celery_worker_process(live_server, settings, tmp_path):
    """Run a real Celery worker process against the live server's database; return its log file.

    The broker is a redis-server of the test's own (no other test run shares its queues); tasks the live
    server queues go there (no eager mode); uploads sit in a directory both share. PostgreSQL only: the
    worker is another process and must see what the test commits.
    """
    from django.db import connection

    from config.celery import app as celery_app
    from tests.alerts.faults import PrivateRedis
    from tests.services import require_postgres, require_redis

    require_postgres()
    require_redis()  # the redis-server program is there
    broker = PrivateRedis(tmp_path)
    broker.start()
    broker_url = broker.url + "/0"
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = celery_app.conf.get("broker_write_url"), celery_app.conf.task_always_eager
    celery_app.conf.broker_write_url, celery_app.conf.task_always_eager = broker_url, False
    # Earlier tests may have published: drop the cached connection pool and producer pool, or the live
    # server would go on publishing to the suite's broker, which this worker does not read.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        CELERY_BROKER_URL=broker_url,
        IMPORT_UPLOAD_DIR=str(settings.IMPORT_UPLOAD_DIR),
        IMPORT_CHUNK_ROWS=str(settings.IMPORT_CHUNK_ROWS),
        DJANGO_SETTINGS_MODULE="tests.settings",
    )
    log = tmp_path / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "default", "--pool", "solo"]
    command += ["--without-mingle", "--without-gossip", "--without-heartbeat", "-n", "browser-test@%h"]
    with log.open("w") as out:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    yield log
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
    celery_app.conf.broker_write_url, celery_app.conf.task_always_eager = saved
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    broker.stop()
