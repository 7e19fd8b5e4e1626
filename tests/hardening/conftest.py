"""The seeded world every hardening test runs against (tests/hardening/hardening_world.py)."""

import pytest
from hardening_world import World, build_world


@pytest.fixture
def world(db, eager_celery, django_capture_on_commit_callbacks) -> World:
    return build_world(lambda: django_capture_on_commit_callbacks(execute=True))
