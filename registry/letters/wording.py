"""Plain-language sentences about a ban, addressed to the protected person.

Source strings are Dutch; English comes from this app's locale/en catalogue.
"""

from django.utils.translation import gettext as _

from registry.models import Ban, BanKind, ContactMode
from registry.wording import join_and, window_phrases


def kind_title(ban: Ban) -> str:
    """Return the kind of ban with its everyday explanation."""
    return {
        BanKind.CONTACT: _("Contactverbod: geen contact met u"),
        BanKind.AREA: _("Locatieverbod (gebiedsverbod): niet in een bepaald gebied komen"),
        BanKind.PRESENCE: _("Locatiegebod: op bepaalde tijden op een vaste plek zijn"),
    }[ban.kind]


def what_it_forbids(ban: Ban) -> list[str]:
    """Return sentences saying what the ban forbids or requires of the person it binds."""
    name = ban.person.full_name
    if ban.kind == BanKind.CONTACT:
        return [_("%(name)s mag geen contact met u hebben.") % {"name": name}, contact_modes_sentence(ban)]
    if ban.kind == BanKind.AREA:
        sentences = [_("%(name)s mag niet in het gebied komen dat hieronder staat beschreven.") % {"name": name}]
    else:
        sentences = [_("%(name)s moet op de tijden hieronder in het beschreven gebied zijn.") % {"name": name}]
    sentences.append(windows_sentence(ban.time_windows))
    return sentences


def contact_modes_sentence(ban: Ban) -> str:
    modes = set(ban.contact_modes or []) or {m.value for m in ContactMode}
    parts = {
        ContactMode.DIRECT: _("rechtstreeks (bijvoorbeeld op straat of aan de deur)"),
        ContactMode.INDIRECT: _("via anderen"),
        ContactMode.ONLINE: _("online of per telefoon (bellen, berichten, e-mail, sociale media)"),
    }
    listed = [str(parts[m]) for m in ContactMode if m.value in modes]
    return _("Dit geldt voor contact %(ways)s.") % {"ways": join_and(listed)}


def windows_sentence(windows: list[dict]) -> str:
    """Describe weekly time windows; none means always."""
    if not windows:
        return _("Dit geldt altijd, dag en nacht.")
    return _("Dit geldt %(parts)s.") % {"parts": join_and(window_phrases(windows, long_names=True))}
