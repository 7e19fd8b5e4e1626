"""The device board links each device to its wearer's open incident and its last position."""

from geofence.models import DeviceStatus


def test_device_row_links_open_incident_and_last_position(browser_client, make_incident):
    incident = make_incident()
    DeviceStatus.objects.update_or_create(device=incident.device, defaults={"last_fix": incident.last_fix})
    rows = browser_client("carol").get("/monitor/api/devices/").json()["devices"]
    row = next(r for r in rows if r["pk"] == incident.device_id)
    assert row["incident"]["url"] == f"/monitor/incidents/{incident.pk}/"
    assert row["incident"]["text"].startswith(f"#{incident.pk} gebiedsverbod overtreden")
    assert row["last_position"]["url"] == f"/monitor/incidents/{incident.pk}/#map"
    assert (row["last_position"]["lat"], row["last_position"]["lon"]) == (incident.last_fix.lat, incident.last_fix.lon)


def test_device_without_open_incident_links_its_position_as_geo_uri(browser_client, make_incident):
    incident = make_incident(state="closed", closed_at=None)
    incident.closed_at = incident.opened_at
    incident.save()
    DeviceStatus.objects.update_or_create(device=incident.device, defaults={"last_fix": incident.last_fix})
    row = next(r for r in browser_client("erin").get("/monitor/api/devices/").json()["devices"])
    assert row["incident"] is None
    assert row["last_position"]["url"].startswith("geo:52.1")
