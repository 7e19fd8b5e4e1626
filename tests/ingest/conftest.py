"""Every test here posts through the feed API and evaluates fixes in-process (fixtures in tests/conftest.py)."""

import pytest


@pytest.fixture(autouse=True)
def _in_process(eager_celery):
    """Use the shared eager_celery fixture for every test in this directory."""
