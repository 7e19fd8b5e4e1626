"""Engine tests are plain pytest: no Django, no database. Every test runs on each kernel."""

import sys
from pathlib import Path

import pytest

# Let `import geofence` work when pytest runs without the project's root config.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from geofence.engine import evaluate as engine  # noqa: E402


@pytest.fixture(autouse=True, scope="session", params=engine.KERNELS)
def kernel(request):
    """Make `evaluate` use one kernel (the compiled one only where numba is installed)."""
    default = engine.DEFAULT_KERNEL
    engine.DEFAULT_KERNEL = request.param
    yield request.param
    engine.DEFAULT_KERNEL = default
