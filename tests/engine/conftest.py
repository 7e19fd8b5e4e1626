"""Engine tests are plain pytest: no Django, no database."""

import sys
from pathlib import Path

# Let `import geofence` work when pytest runs without the project's root config.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
