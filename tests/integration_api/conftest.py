"""Integration API tests: devices, assignments and incidents through the API, effects run in-process."""

import pytest


@pytest.fixture(autouse=True)
def _in_process(eager_celery):
    """Use the shared eager_celery fixture for every test in this directory."""
