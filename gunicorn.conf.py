"""gunicorn settings read from the working directory (bench/bench_lookup.py, docker-compose's web service)."""


def post_worker_init(worker) -> None:
    """Load the police lookup's name vocabulary before the worker takes its first request."""
    from registry.lookup.vocabulary import warm

    warm()
