"""Incidents announce changes through a signal; alerts receive it. Nobody listening is an error, never silence."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from geofence.alerts.receivers import write_alert
from geofence.incidents.signals import announce, check_alert_receiver, incident_changed


@pytest.fixture
def no_receiver():
    incident_changed.disconnect(dispatch_uid="alerts.write_alert")
    yield
    incident_changed.connect(write_alert, dispatch_uid="alerts.write_alert")


def test_the_alerts_app_receives_incident_changes():
    assert check_alert_receiver() == []


def test_without_a_receiver_the_system_check_fails(no_receiver):
    assert [e.id for e in check_alert_receiver()] == ["incidents.E001"]


def test_without_a_receiver_an_alert_change_raises_instead_of_vanishing(no_receiver):
    with pytest.raises(ImproperlyConfigured):
        announce(object(), "opened")


def test_incidents_import_nothing_of_alerts():
    """Incidents are the lower layer: no module of geofence/incidents imports geofence.alerts (the old cycle)."""
    imported = set()
    for path in (Path(settings.BASE_DIR) / "geofence" / "incidents").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add((path.name, node.module))
            elif isinstance(node, ast.Import):
                imported.update((path.name, alias.name) for alias in node.names)
    assert [pair for pair in imported if pair[1].startswith("geofence.alerts")] == []
