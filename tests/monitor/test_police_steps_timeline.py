"""The police's steps for an alert (sent, on scene, result) each appear on the incident timeline."""

from geofence.alerts.models import AlertOutbox, AlertStatus


def test_every_police_step_is_on_the_incident_timeline_with_its_label(browser_client, client_for, make_incident):
    incident = make_incident()
    alert = AlertOutbox.objects.create(
        incident_id=incident.pk, change="opened", priority=1, message={}, status=AlertStatus.PUBLISHED
    )
    dispatch = client_for("frank")
    for outcome in ("officer_sent", "arrest"):
        response = dispatch.post(f"/api/v1/alerts/{alert.alert_id}/ack", {"outcome": outcome}, format="json")
        assert response.status_code == 200

    data = browser_client("carol").get(f"/monitor/api/incidents/{incident.pk}/").json()

    steps = [row["text"] for row in data["timeline"] if row["kind"] == "police_acknowledged"]
    assert steps == ["aanhouding", "eenheid ter plaatse gestuurd"]  # newest first
    (delivery,) = data["deliveries"]
    assert delivery["state"] == "acknowledged"
    assert "eenheid ter plaatse gestuurd" in delivery["detail"] and "aanhouding" in delivery["detail"]
