"""The periodic rebuild of an unchanged zone catalogue never holds up a caller."""

from geofence.incidents import zones
from geofence.testing import make_ban


def test_stale_unchanged_catalogue_is_served_while_it_rebuilds(db, monkeypatch):
    make_ban()
    zones.invalidate()
    first = zones.current_catalogue()
    monkeypatch.setattr(zones, "CACHE_TTL_S", 0.0)
    started = []
    monkeypatch.setattr(zones, "_refresh_in_background", lambda key: started.append(key))

    again = zones.current_catalogue()

    assert again is first
    assert len(started) == 1


def test_changed_registry_rebuilds_before_answering(db):
    zones.invalidate()
    before = zones.current_catalogue()
    make_ban()  # the save signal invalidates this process's cache

    after = zones.current_catalogue()

    assert len(after.meta) == len(before.meta) + 1
