"""An open violation's running figures move without writing index entries (PostgreSQL HOT updates).

Every fix of a subject inside his zone updates the incident's fix count, last
fix and distances. Those columns carry no index, and the table leaves room on
its pages, so PostgreSQL rewrites the row in place instead of adding an entry
to each of the incident table's indexes.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from geofence.models import Incident, IncidentState
from geofence.testing import HOME, fix, make_ban, make_device, offset
from tests.services import require_postgres


def _incident_updates() -> tuple[int, int]:
    """Return (updates, of which HOT) of the incident table in this transaction so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_updated(c.oid), pg_stat_get_xact_tuples_hot_updated(c.oid) "
            "FROM pg_class c WHERE c.oid = 'geofence_incident'::regclass"
        )
        return cursor.fetchone()


def test_fixes_inside_update_the_incident_in_place(feed):
    require_postgres()
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)
    t = timezone.now() - timedelta(minutes=10)
    feed.positions([fix(device, t, *offset(*HOME, 3000)), fix(device, t + timedelta(seconds=30), *offset(*HOME, 2900))])
    incident = Incident.objects.get()
    assert incident.state in (IncidentState.OPEN, IncidentState.ESCALATED)
    before = _incident_updates()

    for i in range(2, 8):
        feed.positions([fix(device, t + timedelta(seconds=30 * i), *offset(*HOME, 3000 - 100 * i))])

    updates, hot = (after - then for after, then in zip(_incident_updates(), before, strict=True))
    incident.refresh_from_db()
    assert incident.fix_count == 8
    assert incident.deepest_intrusion_m > 2600
    assert updates >= 6
    assert hot == updates


@pytest.mark.django_db
def test_no_index_holds_a_running_figure():
    require_postgres()
    from geofence.incidents.tracking import _RUNNING_FIGURES

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'geofence_incident'::regclass"
        )
        indexed = {row[0] for row in cursor.fetchall()}
    columns = {Incident._meta.get_field(name).column for name in _RUNNING_FIGURES}
    assert indexed, "the incident table has indexes"
    assert not indexed & columns
