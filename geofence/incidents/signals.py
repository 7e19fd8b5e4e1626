"""The signal that tells the layers above incidents about a state change the police must hear of.

Incidents sit below alerts: they announce a change, the alerts app (connected
in its AppConfig.ready) writes the outbox row in the same transaction.
Nobody listening would drop every alert silently, so sending without a
receiver raises, and a system check refuses to start without one.
"""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

# Sent inside the incident's transaction with incident=<Incident> and change=<Action value>.
incident_changed = Signal()


def announce(incident, change: str) -> None:
    """Tell the receivers about a change that goes to the police; raise when nobody listens."""
    if not incident_changed.receivers:
        raise ImproperlyConfigured("Nothing receives incident_changed: the alert would be lost.")
    incident_changed.send(sender=type(incident), incident=incident, change=change)


@register()
def check_alert_receiver(app_configs=None, **kwargs) -> list[Error]:
    if incident_changed.receivers:
        return []
    return [
        Error(
            "Nothing receives incident_changed: incidents would open without an alert to the police.",
            hint="Install geofence.alerts; its AppConfig.ready connects the receiver.",
            id="incidents.E001",
        )
    ]
