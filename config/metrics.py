"""Process counters for /metrics, for figures the database does not keep (geofence/alerts/metrics.py has the rest).

Kept here, below every app, so the feed view can count without importing a
layer above it. Under gunicorn set PROMETHEUS_MULTIPROC_DIR (an empty
directory per start) so that every worker process's counts are summed.
"""

from prometheus_client import Counter

FIXES = Counter("banwatch_fixes", "Fixes posted to the feed API, by result.", ["result"])


def count_fixes(result) -> None:
    """Count one feed answer's fixes: accepted, duplicate and rejected."""
    FIXES.labels("accepted").inc(result.accepted)
    FIXES.labels("duplicate").inc(result.duplicates)
    FIXES.labels("rejected").inc(len(result.rejected))
