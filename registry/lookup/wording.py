"""Say in plain Dutch what a ban forbids, generated from its fields (never free text)."""

from django.utils.translation import gettext as _

from registry.models import Ban, BanKind, ContactMode, ZoneShape
from registry.wording import DAY_ABBREVIATIONS, distance_text, join_and, join_or, window_phrases

# Short words for the sentence; the model's labels carry explanations in brackets.
_CONTACT_WORDS = {
    ContactMode.DIRECT: lambda: _("direct"),
    ContactMode.INDIRECT: lambda: _("indirect"),
    ContactMode.ONLINE: lambda: _("online"),
}


def forbids_text(ban: Ban, protected_count: int) -> str:
    """Return one sentence saying what the ban forbids, with its hours when it has any."""
    if ban.kind == BanKind.CONTACT:
        text = contact_text(ban.contact_modes, protected_count)
    elif ban.kind == BanKind.AREA:
        text = area_text(ban)
    else:
        text = presence_text(ban)
    hours = windows_text(ban.time_windows)
    return f"{text} {hours}" if hours else text


def contact_text(modes: list[str], protected_count: int) -> str:
    labels = [_CONTACT_WORDS[value]() for value in ContactMode.values if not modes or value in modes]
    how = join_or(labels)
    if protected_count > 1:
        return _("Geen contact (%(how)s) met de beschermde personen.") % {"how": how}
    return _("Geen contact (%(how)s) met de beschermde persoon.") % {"how": how}


def area_text(ban: Ban) -> str:
    if ban.zone_shape == ZoneShape.POLYGON:
        return _("Mag niet komen in het verboden gebied (zone op kaart).")
    return _("Mag niet komen binnen %(distance)s van het beschermde adres (zone op kaart).") % {
        "distance": distance_text(ban.effective_radius_m)
    }


def presence_text(ban: Ban) -> str:
    return _("Moet zich binnen de aangewezen zone bevinden (zone op kaart).")


def windows_text(windows: list[dict]) -> str:
    """Return the hours of a time-limited ban in words, e.g. "Geldt elke nacht van 22:00 tot 06:00."."""
    if not windows:
        return ""
    return _("Geldt %(parts)s.") % {"parts": join_and(window_phrases(windows))}


def period_text(start, end) -> str:
    """Return a period of a ban's hours as an officer reads it: "vr 20:00–za 07:00"."""
    return f"{_(DAY_ABBREVIATIONS[start.weekday()])} {start:%H:%M}–{_(DAY_ABBREVIATIONS[end.weekday()])} {end:%H:%M}"
