"""A fix inside an area ban's zone opens one incident and puts one alert in the outbox."""

from datetime import timedelta

from django.utils import timezone

from geofence.alerts.models import AlertOutbox
from geofence.models import Fix, Incident, IncidentEvent, IncidentState, IncidentType
from geofence.testing import HOME, fix, make_ban, make_device, offset


def test_entering_fix_opens_incident_with_one_alert(feed):
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)
    now = timezone.now()
    lat, lon = offset(*HOME, 1200)

    answer = feed.positions([fix(device, now, lat, lon)])

    assert answer.status_code == 202, answer.content
    assert answer.json() == {"accepted": 1, "duplicates": 0, "conflicting_duplicates": 0, "rejected": []}
    incident = Incident.objects.get()
    assert incident.type == IncidentType.ZONE_VIOLATION
    assert incident.state == IncidentState.OPEN
    assert (incident.ban, incident.person, incident.device) == (ban, ban.person, device)
    assert incident.definite is True
    assert incident.last_fix == Fix.objects.get()
    assert abs(incident.closest_distance_m - 1200) < 1
    alert = AlertOutbox.objects.get()
    assert alert.incident_id == incident.pk and alert.change == "opened"
    assert alert.message["subject"]["name"] == ban.person.full_name
    assert alert.message["enforcement"]["arrest_possible"] is True
    assert alert.message["dashboard_url"].endswith(f"/monitor/incidents/{incident.pk}/")
    assert IncidentEvent.objects.filter(incident=incident, action="opened").count() == 1


def test_fixes_inside_update_the_incident_without_new_alerts(feed):
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)
    start = timezone.now() - timedelta(minutes=5)
    track = [fix(device, start + timedelta(seconds=30 * i), *offset(*HOME, 3000 - 400 * i)) for i in range(6)]

    feed.positions(track[:3])
    feed.positions(track[3:])

    incident = Incident.objects.get()
    assert incident.fix_count == 6
    assert abs(incident.closest_distance_m - 1000) < 1
    assert abs(incident.deepest_intrusion_m - 4000) < 1
    assert AlertOutbox.objects.count() == 1


def test_fix_outside_the_zone_opens_nothing(feed):
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person)

    feed.positions([fix(device, timezone.now(), *offset(*HOME, 5100))])

    assert not Incident.objects.exclude(type=IncidentType.ZONE_APPROACH).exists()  # 100 m off: a pre-alert only
    assert not AlertOutbox.objects.exists()
