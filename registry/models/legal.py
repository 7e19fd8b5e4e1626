"""The legal bases of a ban and the rules each one carries: defined once, read everywhere.

One row per basis says who imposes it, which articles govern it, how long it
may last, what a ban under it may cover, and what follows a violation: for
the officer on the street, for the OM and for the protected person. The
police lookup, the alert message, the victim letter, the OM report and the
registry's validation all read this table; docs/legal-bases.md gives the
sources for every figure in it.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class LegalBasis(models.TextChoices):
    """The legal grounds for a ban. Add a member (a rule below, and a migration) when a new one appears."""

    GEDRAGSAANWIJZING = "gedragsaanwijzing", _("gedragsaanwijzing OM (art. 509hh Sv)")
    STRAFBESCHIKKING = "strafbeschikking", _("strafbeschikking met gedragsvoorwaarden (art. 257a Sv)")
    BIJZONDERE_VOORWAARDE = "bijzondere_voorwaarde", _("bijzondere voorwaarde voorwaardelijke straf (art. 14c Sr)")
    VOORWAARDELIJKE_INVRIJHEIDSTELLING = (
        "voorwaardelijke_invrijheidstelling",
        _("voorwaardelijke invrijheidstelling (art. 15a Sr)"),
    )
    VRIJHEIDSBEPERKENDE_MAATREGEL = "vrijheidsbeperkende_maatregel", _("vrijheidsbeperkende maatregel (art. 38v Sr)")
    SCHORSING_VOORLOPIGE_HECHTENIS = (
        "schorsing_voorlopige_hechtenis",
        _("geschorste voorlopige hechtenis (art. 80 Sv)"),
    )
    TIJDELIJK_HUISVERBOD = "tijdelijk_huisverbod", _("tijdelijk huisverbod (Wet tijdelijk huisverbod)")
    CIVIEL_VERBOD = "civiel_verbod", _("civielrechtelijk contact- of straatverbod")


@dataclass(frozen=True)
class Term:
    """A length of time in whole days or whole calendar years, counted in Dutch local time."""

    days: int = 0
    years: int = 0

    def after(self, start: dt.datetime) -> dt.datetime:
        """Return the moment this term after `start` (an aware local datetime): the last moment it may end."""
        if self.years:
            try:
                start = start.replace(year=start.year + self.years)
            except ValueError:  # 29 February into a year without one
                start = start.replace(year=start.year + self.years, month=3, day=1)
        return start + dt.timedelta(days=self.days)

    @property
    def lower_bound_days(self) -> int:
        """Return a whole number of days never longer than the term, for prefiltering in SQL."""
        return self.days + 365 * self.years


ALL_KINDS = frozenset({"contact", "area", "presence"})
# A house ban covers the home: entering it, staying at it or being present in it (art. 1 Wth). The law names
# no distance; the registry accepts a circle round the home of at most this radius and nothing wider.
HOUSE_BAN_MAX_RADIUS_M = 500.0


@dataclass(frozen=True)
class BasisRule:
    """What the law says about bans on one basis, as far as the registry uses it."""

    imposed_by: Promise
    articles: str
    # The article that makes a violation an offence of its own; None when it is not one.
    offence_article: str | None
    standard_term: Term | None  # the longest term without a recorded extension or exception
    max_term: Term | None  # the longest term with one; None: the law sets no maximum the registry can check
    end_required: bool
    term_text: Promise
    justification_text: Promise | None  # what a longer term than the standard one rests on; None: not allowed
    om_follow_up: Promise
    victim_follow_up: Promise
    kinds: frozenset[str] = ALL_KINDS
    max_radius_m: float | None = None
    polygon_allowed: bool = True
    windows_allowed: bool = True

    @property
    def arrest_possible(self) -> bool:
        return self.offence_article is not None

    def longest_term(self, justified: bool) -> Term | None:
        """Return the longest term allowed, with or without a recorded extension or exception."""
        return self.max_term if justified and self.justification_text is not None else self.standard_term


LB = LegalBasis
RULES: dict[str, BasisRule] = {
    LB.GEDRAGSAANWIJZING: BasisRule(
        imposed_by=_("de officier van justitie"),
        articles="art. 509hh Sv",
        offence_article="art. 184a Sr",
        standard_term=Term(days=90),
        max_term=Term(days=360),
        end_required=True,
        term_text=_(
            "ten hoogste 90 dagen; de officier van justitie kan de termijn telkens met ten hoogste 90 dagen "
            "verlengen, ten hoogste drie keer (art. 509hh Sv)"
        ),
        justification_text=_("verlenging door de officier van justitie (art. 509hh Sv)"),
        om_follow_up=_("Het OM kan de verdachte vervolgen voor overtreding van de gedragsaanwijzing (art. 184a Sr)."),
        victim_follow_up=_(
            "Een overtreding is een strafbaar feit: de politie kan direct aanhouden. Het Openbaar Ministerie kan "
            "de overtreder daarvoor vervolgen."
        ),
    ),
    LB.STRAFBESCHIKKING: BasisRule(
        imposed_by=_("de officier van justitie"),
        articles="art. 257a Sv",
        offence_article=None,
        standard_term=Term(years=1),
        max_term=Term(years=1),
        end_required=True,
        term_text=_("een proeftijd van ten hoogste een jaar (art. 257a Sv)"),
        justification_text=None,
        om_follow_up=_(
            "Het OM beoordeelt welk gevolg het niet naleven van de aanwijzing in de strafbeschikking heeft."
        ),
        victim_follow_up=_(
            "Een overtreding is op zichzelf geen strafbaar feit. Het Openbaar Ministerie beoordeelt wat er moet "
            "gebeuren."
        ),
    ),
    LB.BIJZONDERE_VOORWAARDE: BasisRule(
        imposed_by=_("de strafrechter"),
        articles="art. 14c Sr",
        offence_article=None,
        standard_term=Term(years=3),
        max_term=Term(years=10),
        end_required=True,
        term_text=_(
            "de proeftijd: ten hoogste drie jaar, bij bepaalde zeden- en geweldsmisdrijven ten hoogste tien jaar; "
            "de rechter kan de proeftijd verlengen, niet voorbij dat maximum"
        ),
        justification_text=_("proeftijd langer dan drie jaar: misdrijf waarvoor tien jaar geldt, of verlenging"),
        om_follow_up=_(
            "Het OM kan de rechter vragen de voorwaardelijke straf alsnog ten uitvoer te leggen (vordering "
            "tenuitvoerlegging) en kan bij ernstig gevaar de aanhouding van de veroordeelde bevelen."
        ),
        victim_follow_up=_(
            "Een overtreding is op zichzelf geen strafbaar feit, maar het Openbaar Ministerie kan de rechter vragen "
            "de voorwaardelijke straf alsnog te laten uitvoeren."
        ),
    ),
    LB.VOORWAARDELIJKE_INVRIJHEIDSTELLING: BasisRule(
        imposed_by=_("het Openbaar Ministerie"),
        articles="art. 15a Sr",
        offence_article=None,
        standard_term=None,
        max_term=None,
        end_required=True,
        term_text=_(
            "de proeftijd: zo lang als de voorwaardelijke invrijheidstelling, ten minste een jaar (art. 15c Sr); "
            "de registratie kent geen vast maximum"
        ),
        justification_text=None,
        om_follow_up=_(
            "Het OM kan de rechter vragen de voorwaardelijke invrijheidstelling te herroepen, zodat de veroordeelde "
            "het strafrestant alsnog uitzit, en kan bij ernstig gevaar de aanhouding van de veroordeelde bevelen."
        ),
        victim_follow_up=_(
            "Een overtreding is op zichzelf geen strafbaar feit, maar het Openbaar Ministerie kan de rechter vragen "
            "de voorwaardelijke invrijheidstelling in te trekken, zodat de veroordeelde de rest van de straf alsnog "
            "uitzit."
        ),
    ),
    LB.VRIJHEIDSBEPERKENDE_MAATREGEL: BasisRule(
        imposed_by=_("de strafrechter"),
        articles="art. 38v Sr",
        offence_article=None,
        standard_term=Term(years=5),
        max_term=Term(years=5),
        end_required=True,
        term_text=_("ten hoogste vijf jaar (art. 38v Sr)"),
        justification_text=None,
        om_follow_up=_(
            "Het OM kan de vervangende hechtenis laten toepassen die de rechter voor elke overtreding heeft bepaald "
            "(art. 38w Sr, in totaal ten hoogste zes maanden); de maatregel blijft daarna gelden."
        ),
        victim_follow_up=_(
            "Een overtreding is op zichzelf geen strafbaar feit, maar het Openbaar Ministerie kan de vervangende "
            "hechtenis laten uitvoeren die de rechter daarvoor heeft bepaald. Het verbod blijft daarna gelden."
        ),
    ),
    LB.SCHORSING_VOORLOPIGE_HECHTENIS: BasisRule(
        imposed_by=_("de rechter die over de voorlopige hechtenis beslist"),
        articles="art. 80 Sv",
        offence_article=None,
        standard_term=None,
        max_term=None,
        end_required=False,
        term_text=_("zo lang als de schorsing van de voorlopige hechtenis duurt; de wet noemt geen vaste termijn"),
        justification_text=None,
        om_follow_up=_(
            "Het OM kan de rechter vragen de schorsing van de voorlopige hechtenis op te heffen; de verdachte wordt "
            "dan aangehouden en gaat terug in voorlopige hechtenis."
        ),
        victim_follow_up=_(
            "Een overtreding is op zichzelf geen strafbaar feit, maar het Openbaar Ministerie kan de rechter vragen "
            "de schorsing van de voorlopige hechtenis op te heffen. Dan gaat de verdachte terug in voorlopige "
            "hechtenis."
        ),
    ),
    LB.TIJDELIJK_HUISVERBOD: BasisRule(
        imposed_by=_("de burgemeester"),
        articles="art. 2 en 9 Wet tijdelijk huisverbod",
        offence_article="art. 285c Sr",
        standard_term=Term(days=10),
        max_term=Term(days=28),
        end_required=True,
        term_text=_(
            "tien dagen; de burgemeester kan het huisverbod verlengen tot ten hoogste vier weken nadat het is "
            "opgelegd (art. 2 en 9 Wet tijdelijk huisverbod)"
        ),
        justification_text=_("verlenging door de burgemeester (art. 9 Wet tijdelijk huisverbod)"),
        om_follow_up=_("Het OM kan de overtreder vervolgen voor overtreding van het huisverbod (art. 285c Sr)."),
        victim_follow_up=_(
            "Een overtreding is een strafbaar feit: de politie kan direct aanhouden. Het Openbaar Ministerie kan "
            "de overtreder daarvoor vervolgen."
        ),
        kinds=frozenset({"contact", "area"}),
        max_radius_m=HOUSE_BAN_MAX_RADIUS_M,
        polygon_allowed=False,
        windows_allowed=False,
    ),
    LB.CIVIEL_VERBOD: BasisRule(
        imposed_by=_("de civiele rechter"),
        articles="art. 6:162 BW, art. 611a Rv",
        offence_article=None,
        standard_term=None,
        max_term=None,
        end_required=False,
        term_text=_("zoals de civiele rechter het heeft bepaald; de wet noemt geen vaste termijn"),
        justification_text=None,
        om_follow_up=_(
            "De beschermde persoon dwingt een civiel verbod zelf af via de civiele rechter (bijvoorbeeld met een "
            "dwangsom); het OM beoordeelt of er een strafbaar feit is gepleegd."
        ),
        victim_follow_up=_(
            "Een overtreding is op zichzelf geen strafbaar feit. U kunt het verbod zelf laten afdwingen, via uw "
            "advocaat of een deurwaarder (bijvoorbeeld met een dwangsom)."
        ),
    ),
}

# Bases whose violation is itself an offence, so an officer may arrest when caught in the act (art. 53 Sv).
ARREST_ARTICLES = {basis: rule.offence_article for basis, rule in RULES.items() if rule.offence_article}
ARREST_POSSIBLE_BASES = frozenset(ARREST_ARTICLES)


def rule_for(legal_basis: str) -> BasisRule:
    """Return the rule of a legal basis."""
    return RULES[legal_basis]
