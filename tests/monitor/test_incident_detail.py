"""The incident page's data: map shapes, protected location by role, alert delivery states."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from geofence.alerts.models import AlertOutbox, AlertStatus


def detail(client, incident):
    response = client.get(f"/monitor/api/incidents/{incident.pk}/")
    assert response.status_code == 200
    return response.json()


def test_circle_zone_is_sent_as_centre_and_radius(browser_client, make_incident):
    data = detail(browser_client("carol"), make_incident())
    (zone,) = data["map"]["zones"]
    assert (zone["shape"], zone["radius_m"]) == ("circle", 5000)
    assert data["map"]["track"] and data["map"]["last_fix"]["accuracy_m"] == 15


def test_operator_sees_the_protected_location(browser_client, make_incident):
    data = detail(browser_client("carol"), make_incident())
    assert data["map"]["protected"]["lat"] == 52.0907


def test_protected_location_hidden_from_users_without_the_right(browser_client, make_incident, monkeypatch):
    # Today every dashboard role may see it; the page follows the role rule, not its own list.
    monkeypatch.setattr("geofence.monitor.detail.may_see_protected_persons", lambda user: False)
    data = detail(browser_client("carol"), make_incident())
    assert data["map"]["protected"] is None


def test_delivery_states_from_the_outbox(browser_client, make_incident):
    incident = make_incident()
    now = timezone.now()
    rows = {
        "queued": dict(status=AlertStatus.PENDING),
        "delivered": dict(status=AlertStatus.PUBLISHED, published_at=now),
        "acknowledged": dict(status=AlertStatus.PUBLISHED, published_at=now, acknowledged_at=now, acknowledged_by="mk"),
        "failed": dict(status=AlertStatus.PENDING, attempts=8, last_error="connection refused"),
    }
    for fields in rows.values():
        AlertOutbox.objects.create(incident_id=incident.pk, change="opened", message={}, **fields)
    # Pending longer than ALERT_UNDELIVERED_SECONDS: undelivered, shown as failed.
    old = now - timedelta(seconds=settings.ALERT_UNDELIVERED_SECONDS + 1)
    AlertOutbox.objects.filter(attempts=8).update(created_at=old)
    states = [d["state"] for d in detail(browser_client("carol"), incident)["deliveries"]]
    assert states == ["failed", "queued", "delivered", "acknowledged"]  # oldest first


def test_ban_facts_carry_the_enforcement_instruction(browser_client, make_incident):
    facts = dict((f[0], f[1]) for f in detail(browser_client("carol"), make_incident())["ban"]["facts"])
    assert facts["Grondslag"].startswith("gedragsaanwijzing")
    assert "184a Sr" in facts["Handelwijze politie"]


def test_closed_incident_allows_only_notes(browser_client, make_incident):
    data = detail(
        browser_client("carol"), make_incident(state="closed", closed_at=timezone.now() + timedelta(seconds=1))
    )
    assert data["allowed_actions"] == ["note"]
