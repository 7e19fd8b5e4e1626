"""What a lookup worker keeps for its whole life stays out of the garbage collector's full passes.

A full pass walks every container object it tracks and holds up the lookup being answered meanwhile:
thousands of remembered circles of two-element lists, or the vocabulary's sets, made passes of 50-150 ms.
"""

import gc

from registry.lookup import vocabulary
from registry.lookup.zones import circle_polygon
from tests.gunicorn_worker import gunicorn_hook, web_worker_started


def test_a_remembered_circle_leaves_nothing_for_the_collector_to_scan():
    circle = circle_polygon(52.0123, 5.1234, 5000.0)
    gc.collect()
    (ring,) = circle["coordinates"]
    assert len(ring) > 60
    assert not any(gc.is_tracked(point) for point in ring)


def test_a_worker_freezes_its_heap_after_loading_the_vocabulary(db):
    with web_worker_started():
        assert gc.get_freeze_count() > 0


def test_a_worker_reloads_a_due_vocabulary_after_the_response_not_beside_the_lookup(db, monkeypatch):
    with web_worker_started():
        stale = vocabulary.vocabulary()
        monkeypatch.setattr(vocabulary, "RELOAD_SECONDS", 0.0)
        assert vocabulary.vocabulary() is stale
        gunicorn_hook("post_request")(None, None, {}, None)
        assert vocabulary.vocabulary() is not stale
