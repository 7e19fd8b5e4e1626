"""Settings for the test suite: development mode, set explicitly (unset DEBUG means production).

Subprocesses started by tests inherit DEBUG=true unless a test sets it; the tests of production settings
set DEBUG=false and a SECRET_KEY of their own.
"""

import os

os.environ.setdefault("DEBUG", "true")

from config.settings import *  # noqa: E402, F403
