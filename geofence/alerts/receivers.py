"""Write the police alert for an incident change, in the incident's transaction."""

from geofence.incidents.signals import incident_changed

from .message import build_alert_message
from .outbox import enqueue_alert


def write_alert(sender, *, incident, change: str, **kwargs) -> None:
    enqueue_alert(
        incident_id=incident.pk,
        change=change,
        priority=incident.priority,
        message=build_alert_message(incident, change),
    )


def connect() -> None:
    incident_changed.connect(write_alert, dispatch_uid="alerts.write_alert")
