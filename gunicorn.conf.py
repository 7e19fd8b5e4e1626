"""gunicorn settings read from the working directory (bench/bench_lookup.py, docker-compose's web service)."""

import gc


def post_worker_init(worker) -> None:
    """Load the police lookup's name vocabulary and build the zone catalogue before the first request.

    Then leave the vocabulary out of the garbage collector's passes, as config.wsgi does with what the import
    loaded: its tens of thousands of sets live as long as the worker, and a full pass that walks them
    holds up the lookup being answered.
    """
    from config.heap import collect_between_requests
    from geofence.incidents import zones
    from registry.lookup.vocabulary import reload_between_requests, warm

    warm()
    gc.collect()
    gc.freeze()
    zones.warm()  # after the freeze: it is replaced every minute, as every later build is
    collect_between_requests()
    reload_between_requests()


def post_request(worker, req, environ, resp) -> None:
    """Now that the answer has been sent: reload the lookup's vocabulary if due, run the collector's due pass.

    The reload first: it freezes what it loaded (registry.lookup.vocabulary), which the pass then skips.
    """
    from config.heap import collect_due
    from registry.lookup.vocabulary import reload_if_due

    reload_if_due()
    collect_due()
