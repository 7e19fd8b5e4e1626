"""Settings for the test suite: development mode, set explicitly (unset DEBUG means production).

Subprocesses started by tests inherit DEBUG=true unless a test sets it; the tests of production settings
set DEBUG=false and a SECRET_KEY of their own.
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DEBUG", "true")
# The suite's files (the filesystem police queue, import uploads) go to a folder of its own, so a demo run
# from the same checkout never finds the tests' alerts in its queue. Subprocesses inherit the folder.
if "BANWATCH_VAR_DIR" not in os.environ:
    os.environ["BANWATCH_VAR_DIR"] = tempfile.mkdtemp(prefix="banwatch-tests-")
    atexit.register(shutil.rmtree, os.environ["BANWATCH_VAR_DIR"], ignore_errors=True)

from config.settings import *  # noqa: E402, F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as the embedded default runs: the live server's threads then each open their own connection
    # and wait for the write lock as the deployed server's do. An in-memory test database would be one
    # connection shared by every thread, whose transactions interleave.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["BANWATCH_VAR_DIR"], "test.sqlite3")}  # noqa: F405
