"""Run gunicorn.conf.py's hooks in the test process, as a web worker would, and undo what they set."""

import gc
import runpy
from contextlib import contextmanager
from pathlib import Path

from registry.lookup import vocabulary

ROOT = Path(__file__).resolve().parents[1]


def gunicorn_hook(name: str):
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))[name]


@contextmanager
def web_worker_started():
    """Run the worker's start-up hook, then undo what it set for the worker's whole life."""
    thresholds = gc.get_threshold()
    gc.unfreeze()
    try:
        gunicorn_hook("post_worker_init")(None)
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        vocabulary.reload_in_threads()
        vocabulary.forget()
