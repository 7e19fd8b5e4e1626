"""Say in plain Dutch what a ban forbids, generated from its fields (never free text)."""

from django.utils.translation import gettext as _

from registry.models import Ban, BanKind, ContactMode, ZoneShape

_DAY_NAMES = ("ma", "di", "wo", "do", "vr", "za", "zo")
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
    how = _join_or(labels)
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


def distance_text(metres: float) -> str:
    """Return "5 km" or "750 m"."""
    if metres >= 1000:
        km = metres / 1000
        return (f"{km:.0f}" if km == round(km) else f"{km:.1f}".replace(".", ",")) + " km"
    return f"{metres:.0f} m"


def windows_text(windows: list[dict]) -> str:
    """Return the hours of a time-limited ban in words, e.g. "Geldt elke nacht van 22:00 tot 06:00."."""
    if not windows:
        return ""
    parts = [_window_text(w) for w in windows]
    return _("Geldt %(parts)s.") % {"parts": _join_and(parts)}


def _window_text(window: dict) -> str:
    start, end = window.get("start", "00:00"), window.get("end", "24:00")
    overnight = end <= start
    days = _days_text(window.get("days") or list(range(7)), overnight)
    return _("%(days)s van %(start)s tot %(end)s") % {"days": days, "start": start, "end": end}


def _days_text(days: list[int], overnight: bool) -> str:
    days = sorted(set(days))
    if days == list(range(7)):
        return _("elke nacht") if overnight else _("elke dag")
    if days == list(range(5)):
        return _("in de nacht na ma t/m vr") if overnight else _("ma t/m vr")
    names = _join_and([_DAY_NAMES[d] for d in days if 0 <= d < 7])
    return _("in de nacht na %(days)s") % {"days": names} if overnight else names


def _join_or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " " + _("of") + " " + items[-1]


def _join_and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " " + _("en") + " " + items[-1]
