"""What follows a violation, worded per legal basis from the rule table in registry/models/legal.py.

The police lookup, the alert message, the monitoring dashboard, the victim
letter and the OM report all take their texts from here, so an officer, a
prosecutor and a protected person read the same rule.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext as _

from registry.models import LegalBasis
from registry.models.legal import ARREST_ARTICLES, rule_for


class EnforcementCode(StrEnum):
    ARREST_POSSIBLE = "arrest_possible"
    REPORT_TO_OM = "report_to_om"


@dataclass(frozen=True)
class Enforcement:
    code: EnforcementCode
    text: str
    # The article that makes the violation an offence; None when the officer reports to the OM only.
    article: str | None = None
    # What the OM (or, for a civil ban, the protected person) can do after the report; "" when no ban is known.
    follow_up: str = ""

    @property
    def arrest_possible(self) -> bool:
        return self.code == EnforcementCode.ARREST_POSSIBLE


def enforcement_code(decision) -> EnforcementCode:
    """Return whether a violation caught in the act allows arrest, or is reported to the OM."""
    return basis_enforcement_code(decision.legal_basis)


def basis_enforcement_code(legal_basis: str | None) -> EnforcementCode:
    """Return the enforcement code for a legal basis; None (no ban known) means report to the OM."""
    return EnforcementCode.ARREST_POSSIBLE if legal_basis in ARREST_ARTICLES else EnforcementCode.REPORT_TO_OM


def enforcement_instruction(decision, language: str | None = None) -> str:
    """Return the instruction for an officer facing a violation, in the given or active language."""
    return basis_enforcement(decision.legal_basis, language).text


def enforcement(decision, language: str | None = None) -> Enforcement:
    """Return the code, the instruction text and the follow-up together."""
    return basis_enforcement(decision.legal_basis, language)


def basis_enforcement(legal_basis: str | None, language: str | None = None) -> Enforcement:
    """Return code, instruction, article and follow-up for a legal basis, in the given or active language."""
    return _enforcement_in(legal_basis, language or translation.get_language())


@lru_cache(maxsize=256)
def _enforcement_in(legal_basis: str | None, language: str | None) -> Enforcement:
    # The texts depend on the basis and the language only; every ban of every lookup asks for one.
    with translation.override(language):
        return _enforcement(legal_basis)


def victim_follow_up(legal_basis: str, language: str | None = None) -> str:
    """Return what a violation leads to, in words for the protected person."""
    with translation.override(language or translation.get_language()):
        return str(rule_for(legal_basis).victim_follow_up)


def _enforcement(legal_basis: str | None) -> Enforcement:
    code = basis_enforcement_code(legal_basis)
    if legal_basis is None:
        text = _(
            "Meld de overtreding aan het Openbaar Ministerie (OM); het OM beoordeelt elke melding. Het verbod is "
            "niet bekend: aanhouden kan alleen voor een strafbaar feit dat u zelf vaststelt."
        )
        return Enforcement(code, text)
    rule = rule_for(legal_basis)
    params = {"basis": LegalBasis(legal_basis).label, "article": rule.offence_article}
    if code == EnforcementCode.ARREST_POSSIBLE:
        head = _(
            "Aanhouding mogelijk: overtreding van een %(basis)s is zelf een strafbaar feit (%(article)s). "
            "Bij heterdaad kunt u aanhouden. Meld de overtreding ook aan het OM, dat elke melding beoordeelt."
        )
    else:
        head = _(
            "Meld de overtreding direct aan het Openbaar Ministerie (OM); het OM beoordeelt elke melding. "
            "Overtreding van dit verbod (%(basis)s) is op zichzelf geen strafbaar feit: op eigen gezag aanhouden kan "
            "alleen voor een strafbaar feit dat daarbij wordt gepleegd, zoals belaging (art. 285b Sr) of bedreiging "
            "(art. 285 Sr)."
        )
    follow_up = str(rule.om_follow_up)
    return Enforcement(code, f"{head % params} {follow_up}", rule.offence_article, follow_up)
