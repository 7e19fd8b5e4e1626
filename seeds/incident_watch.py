"""Announce new incidents in the demo's output, for whoever watches the terminal rather than /monitor/."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.utils import timezone


class IncidentWatch:
    """Report incidents opened since the watch started, once each."""

    def __init__(self, report: Callable[[str], None]) -> None:
        self.report = report
        self.enabled = apps.is_installed("geofence")
        self.last_id = 0
        if self.enabled:
            # Only this run's incidents: a second demo run does not repeat the first one's.
            self.last_id = self._incidents().order_by("-id").values_list("id", flat=True).first() or 0

    def poll(self) -> None:
        if not self.enabled:
            return
        for incident in self._incidents().filter(id__gt=self.last_id).order_by("id"):
            self.last_id = incident.id
            self.report(describe(incident))

    def _incidents(self):
        from geofence.models import Incident

        return Incident.objects.select_related("person", "ban")


def describe(incident) -> str:
    """Return e.g. 'Incident #3 geopend: gebiedsverbod overtreden, Joris van der Testhoven, prioriteit 1 (...)'."""
    opened = timezone.localtime(incident.opened_at).strftime("%H:%M:%S")
    parts = [incident.get_type_display(), str(incident.person or "")]
    if incident.ban is not None and incident.ban.zone_description:
        parts.append(incident.ban.zone_description)
    if incident.closest_distance_m is not None:
        parts.append(f"{incident.closest_distance_m / 1000:.1f} km van beschermde locatie".replace(".", ","))
    summary = ", ".join(p for p in parts if p)
    return f"Incident #{incident.id} geopend om {opened}: {summary} (prioriteit {incident.priority})"
