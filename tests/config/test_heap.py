"""A web worker's garbage collector runs between requests, on CPython's schedule, with the allocator as a safety net."""

import gc
import weakref

import pytest

from config import heap
from tests.gunicorn_worker import gunicorn_hook


class Node:
    """An object in a reference cycle: only the collector frees it."""

    def __init__(self):
        self.me = self


@pytest.fixture
def worker_collector():
    """The collector as a worker sets it up, put back as it was afterwards."""
    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    gc.enable()
    gc.collect()
    heap.collect_between_requests(spread=0)
    yield
    gc.set_threshold(*thresholds)
    if not enabled:
        gc.disable()


def make_cycles(count: int) -> list[weakref.ref]:
    return [weakref.ref(Node()) for _ in range(count)]


def test_the_allocator_leaves_a_request_s_cycles_for_after_the_answer(worker_collector):
    # Past the young threshold, a pass would run in the middle of the request; here none does.
    cycles = make_cycles(heap.YOUNG_THRESHOLD + 1_000)
    assert all(ref() is not None for ref in cycles)
    assert heap.collect_due() == 0
    assert all(ref() is None for ref in cycles)


def test_nothing_is_collected_before_the_young_threshold(worker_collector):
    cycles = make_cycles(100)
    assert heap.collect_due() is None
    assert all(ref() is not None for ref in cycles)


def test_older_generations_come_due_as_cpython_schedules_them(worker_collector):
    middle_threshold, old_threshold = heap.OLDER_THRESHOLDS
    passes = []
    while 2 not in passes:
        make_cycles(heap.YOUNG_THRESHOLD + 10)
        passes.append(heap.collect_due())
    # A middle pass once more young passes than its threshold have run, a full one after as many middle passes.
    assert passes[: middle_threshold + 2] == [0] * (middle_threshold + 1) + [1]
    assert passes.count(1) == old_threshold + 1
    assert passes.count(0) == (old_threshold + 1) * (middle_threshold + 1)


def test_a_request_making_far_more_cycles_is_still_collected_by_the_allocator(worker_collector):
    cycles = make_cycles(heap.YOUNG_THRESHOLD * heap.SAFETY_NET_FACTOR + 5_000)
    assert any(ref() is None for ref in cycles)


def test_a_gunicorn_worker_collects_after_each_request():
    post_request = gunicorn_hook("post_request")
    thresholds = gc.get_threshold()
    try:
        gc.collect()
        heap.collect_between_requests()
        cycles = make_cycles(heap.young_threshold() + 1_000)
        post_request(None, None, {}, None)
        assert all(ref() is None for ref in cycles)
    finally:
        gc.set_threshold(*thresholds)


def test_workers_draw_young_thresholds_apart_so_their_passes_do_not_coincide():
    thresholds = gc.get_threshold()
    drawn = set()
    try:
        for pid in range(1000, 1020):
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(heap.os, "getpid", lambda pid=pid: pid)
                heap.collect_between_requests()
            drawn.add(heap.young_threshold())
    finally:
        gc.set_threshold(*thresholds)
    assert len(drawn) == 20
    low, high = heap.YOUNG_THRESHOLD * (1 - heap.SPREAD), heap.YOUNG_THRESHOLD * (1 + heap.SPREAD)
    assert all(low <= t <= high for t in drawn)
