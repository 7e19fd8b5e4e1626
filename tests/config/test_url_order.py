"""The officer's lookup and the device feeds are matched before the other API patterns are tried.

Django tries URL patterns in order; every include tried and failed before the right one costs the
request a failed match and a Resolver404 with its list of tried patterns, garbage in reference cycles.
"""

import pytest
from django.urls import resolve

HOT_PATHS = ["/api/v1/lookup", "/api/v1/feeds/positions", "/api/v1/feeds/events", "/api/v1/bridges/osmand"]


@pytest.mark.parametrize("path", HOT_PATHS)
def test_a_hot_path_tries_no_other_api_include_first(path):
    tried = resolve(path).tried
    includes = {getattr(r.urlconf_name, "__name__", "") for r, *_rest in tried if str(r.pattern) == "api/v1/"}
    # Only the lookup's and the feeds' own: the registry, alerts, letters, reports and integration APIs come after.
    assert includes <= {"registry.lookup.urls", "geofence.feeds.urls"}


def test_the_other_api_paths_still_resolve_to_their_views():
    assert resolve("/api/v1/persons/").url_name == "person-list"
    assert resolve("/api/v1/alerts/").url_name == "alert-list"
    assert resolve("/api/v1/audit").url_name == "audit-list"
    assert resolve("/api/v1/lookup/bans/7/protected-persons").url_name == "lookup-protected"
