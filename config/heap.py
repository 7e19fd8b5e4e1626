"""When a web worker's garbage collector runs: between requests, not in the middle of an answer.

A young pass of a web worker (threshold 20,000, see settle_heap) walks what the
last few dozen requests left in reference cycles (DRF's bound fields, Django's
request objects): 15-100 ms, and a middle or full pass 50-240 ms, measured in the
lookup workers at a million persons. Run by the allocator, such a pass lands in
whichever request crossed the threshold, which is the tail an officer waits on.
A worker instead runs the passes that are due after each response has been
sent (gunicorn's post_request hook), on the same schedule, each worker with a
young threshold of its own so that they do not all pause at once; the
allocator's own passes start only at a threshold ten times higher, a safety net
for a request that makes an unusual amount of cyclic garbage.
"""

import gc
import os
import random

# Net new containers between young passes (CPython's default is 700): above what one 1,000-fix feed request
# holds at once, so its containers die before a pass walks them.
YOUNG_THRESHOLD = 20_000
# Young passes per middle pass, middle passes per full pass.
OLDER_THRESHOLDS = (20, 20)
# The allocator's own young threshold where passes run between requests.
SAFETY_NET_FACTOR = 10
# Each worker's young threshold is drawn within this share of YOUNG_THRESHOLD. Workers answer about
# as many requests each, so with one threshold their passes came due together (seen: all three
# workers in a full pass within 0.1 s), and for that long no worker took a request.
SPREAD = 0.25

_young_threshold = YOUNG_THRESHOLD


def young_threshold() -> int:
    """Return this process's young threshold for collect_due()."""
    return _young_threshold


def settle_heap() -> None:
    """Leave what is loaded by now out of every pass, and make young passes rare.

    What was loaded at start (modules, classes, settings: about 100,000 objects
    that live as long as the process) is frozen. Memory is freed by reference
    counting as before; only cyclic garbage waits longer.
    """
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)


def collect_between_requests(spread: float = SPREAD) -> None:
    """From now on, collect in collect_due() calls; the allocator collects only past the safety net.

    This process's young threshold is drawn at random within `spread`, so that workers pause apart.
    """
    global _young_threshold
    _young_threshold = round(YOUNG_THRESHOLD * random.Random(os.getpid()).uniform(1 - spread, 1 + spread))
    gc.set_threshold(YOUNG_THRESHOLD * SAFETY_NET_FACTOR, *OLDER_THRESHOLDS)


def collect_due() -> int | None:
    """Run the pass the collector's schedule has made due, if any, and return its generation.

    Counts as CPython keeps them: containers allocated less freed since the last
    young pass, young passes since the last middle one, middle passes since the
    last full one. CPython also puts a full pass off until a quarter of what it
    walks is new; here a full pass comes every 21 middle passes regardless.
    """
    young, middle, old = gc.get_count()
    if young <= _young_threshold:
        return None
    middle_threshold, old_threshold = OLDER_THRESHOLDS
    # CPython's choice: the oldest generation whose count is past its threshold.
    generation = 2 if old > old_threshold else 1 if middle > middle_threshold else 0
    gc.collect(generation)
    return generation
