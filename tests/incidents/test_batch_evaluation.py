"""A batch is evaluated from memory in its storing transaction; only devices left behind are read back."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geofence.alerts.models import AlertOutbox
from geofence.incidents import evaluation
from geofence.models import DeviceStatus, Fix, Incident, IncidentState
from geofence.testing import HOME, fix, make_ban, make_device, make_protected, offset


def test_late_and_new_fixes_in_one_batch_evaluate_only_the_new(feed):
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)
    start = timezone.now() - timedelta(minutes=10)
    at = lambda s: start + timedelta(seconds=s)  # noqa: E731
    feed.positions([fix(device, at(0), *offset(*HOME, 1000))])
    feed.positions([fix(device, at(10 + i), *offset(*HOME, 12_000)) for i in range(3)])  # the exit

    # One batch: a late inside fix between the entry and the exit, and a new far one.
    feed.positions([fix(device, at(5), *offset(*HOME, 900)), fix(device, at(40), *offset(*HOME, 12_000))])

    incident = Incident.objects.get()
    assert incident.state == IncidentState.CLOSED
    assert Fix.objects.filter(device=device).count() == 6  # the late fix is stored all the same
    status = DeviceStatus.objects.get(device=device)
    assert status.evaluated_until == at(40) and status.last_fix_at == at(40)


def test_out_of_order_fixes_in_one_batch_follow_event_time(feed):
    start = timezone.now() - timedelta(minutes=10)
    path = [(0, 1000), (10, 900), (20, 12_000), (30, 12_000), (40, 12_000)]  # entry, then the exit
    in_order, reversed_ = (make_device(feed.vendor, person=make_ban().person) for _ in range(2))

    feed.positions([fix(in_order, start + timedelta(seconds=s), *offset(*HOME, d)) for s, d in path])
    feed.positions([fix(reversed_, start + timedelta(seconds=s), *offset(*HOME, d)) for s, d in reversed(path)])

    first, second = (Incident.objects.get(device=d) for d in (in_order, reversed_))
    assert first.state == IncidentState.CLOSED and first.opened_at == start
    facts = ("state", "opened_at", "closed_at", "fix_count", "closest_distance_m")
    assert [getattr(second, f) for f in facts] == [getattr(first, f) for f in facts]


def test_device_left_behind_by_a_worker_is_read_back(feed, monkeypatch, settings):
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)
    start = timezone.now() - timedelta(minutes=5)
    settings.FEED_EVALUATE_IN_REQUEST = False
    monkeypatch.setattr("geofence.feeds.services._enqueue_evaluation", lambda payload: None)  # the task is lost
    feed.positions([fix(device, start, *offset(*HOME, 900))])
    assert not Incident.objects.exists()
    settings.FEED_EVALUATE_IN_REQUEST = True
    monkeypatch.undo()
    read_back = []
    monkeypatch.setattr(evaluation, "stored_fix_rows", _spy(evaluation.stored_fix_rows, read_back))

    feed.positions([fix(device, start + timedelta(seconds=30), *offset(*HOME, 800))])

    assert read_back, "the stored, unevaluated fix must be read back"
    incident = Incident.objects.get()
    assert (incident.opened_at, incident.fix_count) == (start, 2)


def test_up_to_date_devices_are_not_read_back(feed, monkeypatch):
    devices = [make_device(feed.vendor, person=make_ban().person) for _ in range(3)]
    start = timezone.now() - timedelta(minutes=5)
    feed.positions([fix(d, start, *offset(*HOME, 12_000)) for d in devices])
    read_back = []
    monkeypatch.setattr(evaluation, "stored_fix_rows", _spy(evaluation.stored_fix_rows, read_back))

    feed.positions([fix(d, start + timedelta(seconds=30), *offset(*HOME, 900)) for d in devices])

    assert not read_back
    assert Incident.objects.filter(state=IncidentState.OPEN).count() == 3


def test_one_status_update_per_batch(feed):
    device = make_device(feed.vendor, person=make_ban().person)
    start = timezone.now() - timedelta(minutes=5)
    feed.positions([fix(device, start, *offset(*HOME, 12_000))])

    with CaptureQueriesContext(connection) as queries:
        feed.positions([fix(device, start + timedelta(seconds=s), *offset(*HOME, 12_000)) for s in (10, 20)])

    # On PostgreSQL the bulk statements bypass Django's cursor; count what Django saw plus the status itself.
    status = DeviceStatus.objects.get(device=device)
    assert status.evaluated_until == status.last_fix_at == start + timedelta(seconds=20)
    if connection.vendor == "sqlite":
        updates = [q["sql"] for q in queries.captured_queries if 'UPDATE "geofence_devicestatus"' in q["sql"]]
        assert len(updates) == 1


def test_alert_shows_the_battery_of_the_entering_batch(feed):
    device = make_device(feed.vendor, person=make_ban().person)
    now = timezone.now()
    feed.positions([fix(device, now - timedelta(seconds=600), *offset(*HOME, 12_000), battery_pct=90)])

    feed.positions([fix(device, now, *offset(*HOME, 800), battery_pct=41)])

    message = AlertOutbox.objects.get().message
    assert message["device"]["battery_pct"] == 41


def test_victim_unit_fix_in_the_same_batch_moves_the_zone(feed):
    victim = make_protected()
    ban = make_ban(centre=None, protected=[victim])
    subject_device = make_device(feed.vendor, person=ban.person)
    victim_device = make_device(feed.vendor, protected_person=victim)
    far = offset(*HOME, 30_000)
    now = timezone.now()

    victim_fix = fix(victim_device, now - timedelta(seconds=20), *far)
    feed.positions([victim_fix, fix(subject_device, now, *offset(*far, 800))])

    incident = Incident.objects.get(protected_person=victim)
    assert abs(incident.closest_distance_m - 800) < 1


def test_deleting_the_last_fix_clears_the_board_pointer(feed):
    device = make_device(feed.vendor)
    feed.positions([fix(device, timezone.now(), 52.0, 5.0)])
    assert DeviceStatus.objects.get(device=device).last_fix_id is not None

    Fix.objects.filter(device=device).delete()

    assert DeviceStatus.objects.get(device=device).last_fix_id is None


def _spy(function, calls: list):
    def wrapper(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    return wrapper


def _reads_of(queries, table: str) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"])


def test_incidents_opened_by_one_batch_read_their_bans_and_devices_once(feed):
    # A burst (every subject of a batch entering at once) must not cost a ban and a device query per incident.
    now = timezone.now()
    reads = {}
    for subjects in (2, 8):
        devices = [make_device(feed.vendor, person=make_ban().person) for _ in range(subjects)]
        with CaptureQueriesContext(connection) as queries:
            feed.positions([fix(d, now, *offset(*HOME, 800)) for d in devices])
        reads[subjects] = (_reads_of(queries, "registry_ban"), _reads_of(queries, "geofence_device"))

    assert Incident.objects.count() == 10
    assert AlertOutbox.objects.count() == 10
    assert reads[8] == reads[2], reads
