"""Fixtures for feed and incident tests: eager Celery, a vendor with a key, and a feed client."""

import pytest
from rest_framework.test import APIClient

from config.celery import app as celery_app
from geofence.incidents import zones
from geofence.testing import make_vendor


@pytest.fixture(autouse=True)
def eager_celery():
    """Run tasks in-process, whatever broker the environment names (CI sets one)."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager, conf.task_eager_propagates = True, True
    zones.invalidate()
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


class Feed:
    """A vendor's API client; posts run their on-commit work (evaluation) as the server would."""

    def __init__(self, vendor, key, capture):
        self.vendor, self.key, self.capture = vendor, key, capture
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")

    def positions(self, fixes, **kwargs):
        return self._post("/api/v1/feeds/positions", {"fixes": fixes}, **kwargs)

    def events(self, events, **kwargs):
        return self._post("/api/v1/feeds/events", {"events": events}, **kwargs)

    def _post(self, url, body, **kwargs):
        with self.capture(execute=True):
            return self.client.post(url, body, format="json", **kwargs)


@pytest.fixture
def feed(db, django_capture_on_commit_callbacks):
    vendor, key = make_vendor("acme")
    return Feed(vendor, key, django_capture_on_commit_callbacks)


@pytest.fixture
def other_feed(db, django_capture_on_commit_callbacks):
    vendor, key = make_vendor("globex")
    return Feed(vendor, key, django_capture_on_commit_callbacks)
