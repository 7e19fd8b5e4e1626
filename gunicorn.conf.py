"""gunicorn settings read from the working directory (bench/bench_lookup.py, docker-compose's web service)."""

import gc


def post_worker_init(worker) -> None:
    """Load the police lookup's name vocabulary before the worker takes its first request.

    Then leave it out of the garbage collector's passes, as config.wsgi does with what the import
    loaded: its tens of thousands of sets live as long as the worker, and a full pass that walks them
    holds up the lookup being answered.
    """
    from config.heap import collect_between_requests
    from registry.lookup.vocabulary import warm

    warm()
    gc.collect()
    gc.freeze()
    collect_between_requests()


def post_request(worker, req, environ, resp) -> None:
    """Run the garbage collector's due pass now that the answer has been sent (config/heap.py)."""
    from config.heap import collect_due

    collect_due()
