"""What a lookup worker keeps for its whole life stays out of the garbage collector's full passes.

A full pass walks every container object it tracks and holds up the lookup being answered meanwhile:
thousands of remembered circles of two-element lists, or the vocabulary's sets, made passes of 50-150 ms.
"""

import gc
import runpy
from pathlib import Path

from registry.lookup import vocabulary
from registry.lookup.zones import circle_polygon

ROOT = Path(__file__).resolve().parents[2]


def test_a_remembered_circle_leaves_nothing_for_the_collector_to_scan():
    circle = circle_polygon(52.0123, 5.1234, 5000.0)
    gc.collect()
    (ring,) = circle["coordinates"]
    assert len(ring) > 60
    assert not any(gc.is_tracked(point) for point in ring)


def _hook(name: str):
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))[name]


def test_a_worker_freezes_its_heap_after_loading_the_vocabulary(db):
    gc.unfreeze()
    try:
        _hook("post_worker_init")(None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        vocabulary.reload_in_threads()


def test_a_worker_reloads_a_due_vocabulary_after_the_response_not_beside_the_lookup(db, monkeypatch):
    gc.unfreeze()
    try:
        _hook("post_worker_init")(None)
        stale = vocabulary.vocabulary()
        monkeypatch.setattr(vocabulary, "RELOAD_SECONDS", 0.0)
        assert vocabulary.vocabulary() is stale
        _hook("post_request")(None, None, {}, None)
        assert vocabulary.vocabulary() is not stale
    finally:
        gc.unfreeze()
        vocabulary.reload_in_threads()
        vocabulary.forget()
