"""Texts the dashboard's scripts show, translated on the server and passed through json_script."""

from django.utils.translation import gettext_lazy as _

from registry.models import PoliceRegion

__all__ = ["PoliceRegion", "script_labels"]


def script_labels() -> dict[str, str]:
    """Return the labels the scripts need, in the active language."""
    return {
        key: str(value)
        for key, value in {
            "decimal_mark": _(","),
            "live": _("Live"),
            "connection_lost": _("Verbinding verbroken – gegevens kunnen verouderd zijn"),
            "new_incident": _("Nieuw incident"),
            "sound_on": _("Geluid aan"),
            "sound_off": _("Geluid uit"),
            "priority": _("Prioriteit"),
            "type": _("Soort"),
            "person": _("Persoon"),
            "risk": _("Risico"),
            "certainty": _("Zekerheid"),
            "distance": _("Afstand tot beschermde locatie"),
            "eta": _("Geschatte aankomst"),
            "eta_now": _("nu"),
            "region": _("Regio"),
            "status": _("Status"),
            "opened": _("Geopend"),
            "assigned": _("Behandelaar"),
            "last_fix": _("Laatste positie"),
            "no_alerts": _("Nog geen meldingen verstuurd."),
            "confirm_escalate": _("Dit incident nu als melding naar de politie sturen?"),
            "device": _("Apparaat"),
            "health": _("Toestand"),
            "last_contact": _("Laatste contact"),
            "battery": _("Batterij"),
            "strap": _("Band"),
            "gps": _("GPS"),
            "vendor": _("Leverancier"),
            "open_incident": _("Open incident"),
            "last_position": _("Laatste positie"),
            "waiting": _("Wacht"),
            "delivery": _("Melding politie"),
            "undelivered_title": _("Meldingen niet afgeleverd bij de politie"),
            "undelivered_line": _("%(change)s incident %(id)s: %(age)s onderweg, %(attempts)s pogingen"),
            "undelivered_seen": _("gezien door %(who)s"),
            "unregioned": _(
                "%(n)s open incident(en) bij een verbod zonder regio: alleen supervisors zien ze. "
                "Laat de supervisor een regio instellen."
            ),
            "retry": _("Nu opnieuw versturen"),
            "mark_seen": _("Gezien"),
            "overdue_banner": _("Niet bevestigd: P1/P2-incidenten wachten te lang, supervisor ingeschakeld"),
            "supervisor": _("supervisor"),
            "position": _("Positie"),
            "copy": _("Kopieer"),
            "copied": _("Gekopieerd"),
            "copy_failed": _("Kopiëren mislukt"),
            "copy_coordinates": _("Coördinaten kopiëren"),
            "no_place": _("geen plaats binnen 50 km"),
            "speed_computed": _("berekend"),
            "kmh": _("km/u"),
            "replay_play": _("Afspelen"),
            "replay_pause": _("Pauze"),
            "incidents": _("incidenten"),
            "without_position": _("zonder positie"),
            "devices": _("apparaten"),
            "hours": _("uur"),
        }.items()
    }
