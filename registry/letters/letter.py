"""The content of a victim letter, in the active language, ready to be laid out as PDF."""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from pyproj import Geod

from registry.enforcement import victim_follow_up
from registry.maps import MapContent, MapZone
from registry.models import Ban, BanStatus, ProtectedPerson, ZoneShape
from registry.wording import distance_text

from . import wording

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
GEOD = Geod(ellps="WGS84")
# A zone centred this close to a home is "around that home".
HOME_MATCH_M = 250.0


@dataclass
class Section:
    heading: str
    paragraphs: list[str]
    map: MapContent | None = None


@dataclass
class LetterContent:
    recipient_lines: list[str]
    letter_date: str
    reference: str
    subject: str
    salutation: str
    intro: list[str]
    sections: list[Section] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)


def local_datetime(value: datetime) -> str:
    return formats.date_format(value.astimezone(AMSTERDAM), "j F Y, H:i")


def local_date(value: date) -> str:
    return formats.date_format(value, "j F Y")


def build_letter(
    ban: Ban, recipient: ProtectedPerson, letter_date: date, replaces: date | None = None
) -> LetterContent:
    """Return the letter to one protected person about the ban's present state.

    It names the recipient and the bound person only: never another protected person of the ban.
    """
    decision = ban.decision
    letter = LetterContent(
        recipient_lines=[recipient.full_name, recipient.street, f"{recipient.postcode} {recipient.city}".strip()],
        letter_date=local_date(letter_date),
        reference=decision.reference,
        subject=_("Informatie over een %(kind)s dat u beschermt") % {"kind": ban.get_kind_display()},
        salutation=_("Geachte %(name)s,") % {"name": recipient.full_name},
        intro=_intro(ban, replaces),
    )
    letter.sections.append(_section_ban(ban))
    if ban.status == BanStatus.ACTIVE:
        letter.sections.append(Section(_("Wat is verboden"), wording.what_it_forbids(ban)))
        if ban.has_zone:
            letter.sections.append(_section_zone(ban, recipient))
    letter.sections.append(_section_validity(ban))
    letter.sections.append(_section_violation(ban))
    letter.closing = [
        _("Bewaar deze brief. Noem bij vragen altijd het kenmerk %(reference)s.") % {"reference": decision.reference},
        _("Met vriendelijke groet,"),
        decision.get_authority_display(),
    ]
    return letter


def _intro(ban: Ban, replaces: date | None) -> list[str]:
    kind = ban.get_kind_display()
    intro = {
        BanStatus.SUSPENDED: _("Het %(kind)s dat u beschermt is geschorst. Zolang de schorsing duurt, geldt het niet."),
        BanStatus.REVOKED: _("Het %(kind)s dat u beschermde is ingetrokken. Het geldt niet meer."),
        BanStatus.ENDED: _("Het %(kind)s dat u beschermde is beëindigd. Het geldt niet meer."),
    }.get(ban.status, _("Om u te beschermen is een %(kind)s opgelegd. In deze brief leest u wat dat betekent."))
    paragraphs = [intro % {"kind": kind}]
    if replaces is not None:
        paragraphs.append(
            _("Deze brief vervangt onze brief van %(date)s over hetzelfde verbod.") % {"date": local_date(replaces)}
        )
    return paragraphs


def _section_ban(ban: Ban) -> Section:
    decision = ban.decision
    return Section(
        _("Om welk verbod gaat het"),
        [
            wording.kind_title(ban),
            _("Opgelegd aan: %(name)s") % {"name": ban.person.full_name},
            _("Besloten door: %(authority)s, op %(date)s")
            % {"authority": decision.get_authority_display(), "date": local_date(decision.decision_date)},
            _("Wettelijke grondslag: %(basis)s") % {"basis": decision.get_legal_basis_display()},
            _("Kenmerk: %(reference)s") % {"reference": decision.reference},
        ],
    )


def _section_validity(ban: Ban) -> Section:
    until = local_datetime(ban.valid_until) if ban.valid_until else _("tot nader order (geen einddatum)")
    paragraphs = [
        _("Geldig vanaf: %(date)s") % {"date": local_datetime(ban.valid_from)},
        _("Geldig tot: %(date)s") % {"date": until},
    ]
    paragraphs.append(
        _("Wettelijke duur van een %(basis)s: %(term)s.")
        % {"basis": ban.decision.get_legal_basis_display(), "term": ban.decision.rule.term_text}
    )
    if ban.decision.dut:
        paragraphs.append(
            _("Dadelijk uitvoerbaar (DUT): ja. Het verbod geldt meteen, ook als er hoger beroep wordt ingesteld.")
        )
    else:
        paragraphs.append(_("Dadelijk uitvoerbaar (DUT): nee."))
    return Section(_("Hoe lang geldt het verbod"), paragraphs)


def _section_violation(ban: Ban) -> Section:
    paragraphs = [
        _("Houdt %(name)s zich niet aan het verbod? Meld dit bij de politie: %(phone)s.")
        % {"name": ban.person.full_name, "phone": settings.POLICE_PHONE_NUMBER},
        _("Bent u in direct gevaar? Bel dan meteen %(emergency)s.") % {"emergency": settings.EMERGENCY_PHONE_NUMBER},
        _("Het Openbaar Ministerie beoordeelt elke melding van een overtreding."),
        victim_follow_up(ban.decision.legal_basis),
    ]
    return Section(_("Wat kunt u doen bij een overtreding"), paragraphs)


def _section_zone(ban: Ban, recipient: ProtectedPerson) -> Section:
    if ban.zone_shape == ZoneShape.POLYGON and ban.zone_geojson:
        words = ban.zone_description or _("het gebied dat op de kaart rood is aangegeven")
        paragraphs = [_("Het gebied: %(area)s.") % {"area": words}]
        return Section(_("Het gebied"), paragraphs, MapContent(zones=[MapZone(geojson=ban.zone_geojson)]))
    radius = distance_text(ban.effective_radius_m)
    if not _may_show_centre(ban, recipient):
        # The centre would show where another protected person lives.
        text = _(
            "Het gebied is een cirkel met een straal van %(radius)s. Waar die precies ligt, staat om privacyredenen "
            "niet in deze brief. U kunt het navragen onder vermelding van het kenmerk."
        )
        return Section(_("Het gebied"), [text % {"radius": radius}])
    paragraphs = [_circle_words(ban, recipient, radius)]
    if ban.zone_description:
        paragraphs.append(_("Omschrijving: %(description)s") % {"description": ban.zone_description})
    centre = (ban.centre_lat, ban.centre_lon)
    return Section(
        _("Het gebied"), paragraphs, MapContent(zones=[MapZone(centre=centre, radius_m=ban.effective_radius_m)])
    )


def _circle_words(ban: Ban, recipient: ProtectedPerson, radius: str) -> str:
    if _distance_to_home(ban, recipient) <= HOME_MATCH_M:
        return _("Een cirkel met een straal van %(radius)s rond uw woning (het midden van de kaart).") % {
            "radius": radius
        }
    return _("Een cirkel met een straal van %(radius)s rond het punt %(lat).5f N, %(lon).5f O (zie de kaart).") % {
        "radius": radius,
        "lat": ban.centre_lat,
        "lon": ban.centre_lon,
    }


def _distance_to_home(ban: Ban, person: ProtectedPerson) -> float:
    if person.home_lat is None or person.home_lon is None or ban.centre_lat is None or ban.centre_lon is None:
        return float("inf")
    return GEOD.inv(ban.centre_lon, ban.centre_lat, person.home_lon, person.home_lat)[2]


def _may_show_centre(ban: Ban, recipient: ProtectedPerson) -> bool:
    """Return False when the centre is another protected person's home but not the recipient's."""
    if _distance_to_home(ban, recipient) <= HOME_MATCH_M:
        return True
    others = ban.protected_persons.exclude(pk=recipient.pk)
    return all(_distance_to_home(ban, other) > HOME_MATCH_M for other in others)
