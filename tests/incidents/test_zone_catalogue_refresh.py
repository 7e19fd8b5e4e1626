"""The periodic rebuild of an unchanged zone catalogue never holds up a caller."""

from django.db import OperationalError

from geofence.incidents import zones
from geofence.testing import make_ban
from tests.gunicorn_worker import web_worker_started


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


def test_catalogue_is_built_from_plain_rows_with_each_kind_of_zone(db):
    from django.db.models import Model

    from geofence.engine.zones import CircleZone, MovingZone
    from geofence.testing import HOME, make_device, make_protected, make_vendor, offset
    from registry.models import BanKind

    far_home = offset(*HOME, 40_000)
    anna, bert = make_protected(far_home), make_protected(HOME)
    circle = make_ban(radius_m=3000, risk="medium")
    homes = make_ban(centre=None, kind=BanKind.CONTACT, protected=[anna, bert])
    vendor, _key = make_vendor()
    make_device(vendor, protected_person=bert)
    zones.invalidate()

    catalogue = zones.current_catalogue()

    by_key = {(m.ban_id, m.zone_key): (m, catalogue.index.zones[z]) for z, m in enumerate(catalogue.meta)}
    meta, zone = by_key[(circle.pk, "zone")]
    assert (meta.risk, meta.person_id, type(zone), zone.radius_m) == ("medium", circle.person_id, CircleZone, 3000)
    assert not any(key[0] == homes.pk and key[1] == "zone" for key in by_key)  # a contact ban has no zone of its own
    assert isinstance(by_key[(homes.pk, f"pp:{bert.pk}")][1], MovingZone)  # bert carries a victim unit
    assert (homes.pk, f"pp:{anna.pk}") not in by_key
    assert not any(isinstance(value, Model) for value in vars(catalogue).values())


def _age_the_catalogue(seconds: float) -> None:
    """Make this process's catalogue look `seconds` older, as after a process idled that long."""
    key, built, catalogue = zones._cache["entry"]
    zones._cache["entry"] = (key, built - seconds, catalogue)


def test_idle_process_rebuilds_a_catalogue_too_old_to_trust_before_using_it(db, settings):
    # An idle web process (no batches for a while) must not judge its next fix against a build older
    # than the health limit, nor hand that fix to a background rebuild and use the old one meanwhile.
    make_ban()
    zones.invalidate()
    old = zones.current_catalogue()
    _age_the_catalogue(settings.ZONE_CATALOGUE_MAX_AGE_SECONDS + 1)

    used = zones.current_catalogue()

    assert used is not old
    assert zones.catalogue_age_seconds() < 5


def test_health_age_is_the_age_of_the_catalogue_when_last_used(db, settings):
    # Idling is not staleness: the age that fails health is the age of the build a fix was judged with.
    make_ban()
    zones.invalidate()
    zones.current_catalogue()
    _age_the_catalogue(settings.ZONE_CATALOGUE_MAX_AGE_SECONDS + 1)

    assert zones.catalogue_age_seconds() < 5


def test_a_failed_rebuild_keeps_the_old_catalogue_and_health_sees_its_age(db, settings, monkeypatch):
    make_ban()
    zones.invalidate()
    old = zones.current_catalogue()
    _age_the_catalogue(settings.ZONE_CATALOGUE_MAX_AGE_SECONDS + 1)

    def fail():
        raise RuntimeError("database gone")

    monkeypatch.setattr(zones, "build_catalogue", fail)
    used = zones.current_catalogue()

    assert used is old
    assert zones.catalogue_age_seconds() > settings.ZONE_CATALOGUE_MAX_AGE_SECONDS


def test_a_web_worker_builds_the_catalogue_before_its_first_batch(db, monkeypatch):
    make_ban()
    zones.invalidate()
    built = []
    real_build = zones.build_catalogue
    monkeypatch.setattr(zones, "build_catalogue", lambda: built.append("build") or real_build())

    with web_worker_started():
        at_start = list(built)
        zones.current_catalogue()  # the worker's first batch

    assert at_start == ["build"]
    assert built == ["build"]  # the batch found it built


def test_a_web_worker_starts_without_a_catalogue_when_the_database_is_down(db, monkeypatch, caplog):
    def unreachable():
        raise OperationalError("connection refused")

    zones.invalidate()
    monkeypatch.setattr(zones, "build_catalogue", unreachable)

    with web_worker_started():
        pass

    assert "zone catalogue not built at start" in caplog.text
