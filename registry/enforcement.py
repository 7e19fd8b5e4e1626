"""What a police officer must do when a ban is violated: defined once, used by lookup, alerts, dashboard and reports."""

from dataclasses import dataclass
from enum import StrEnum

from django.utils import translation
from django.utils.translation import gettext as _

from registry.models import LegalBasis
from registry.models.decisions import ARREST_ARTICLES


class EnforcementCode(StrEnum):
    ARREST_POSSIBLE = "arrest_possible"
    REPORT_TO_OM = "report_to_om"


@dataclass(frozen=True)
class Enforcement:
    code: EnforcementCode
    text: str
    # The article that makes the violation an offence; None when the officer reports to the OM only.
    article: str | None = None

    @property
    def arrest_possible(self) -> bool:
        return self.code == EnforcementCode.ARREST_POSSIBLE


def enforcement_code(decision) -> EnforcementCode:
    """Return whether a violation caught in the act allows arrest, or is reported to the OM."""
    return basis_enforcement_code(decision.legal_basis)


def basis_enforcement_code(legal_basis: str | None) -> EnforcementCode:
    """Return the enforcement code for a legal basis; None (no ban known) means report to the OM."""
    # ARREST_ARTICLES beside the Decision model holds the legal rule; this module only words it.
    return EnforcementCode.ARREST_POSSIBLE if legal_basis in ARREST_ARTICLES else EnforcementCode.REPORT_TO_OM


def enforcement_instruction(decision, language: str | None = None) -> str:
    """Return the instruction for an officer facing a violation, in the given or active language."""
    return basis_enforcement(decision.legal_basis, language).text


def enforcement(decision, language: str | None = None) -> Enforcement:
    """Return the code and the instruction text together."""
    return basis_enforcement(decision.legal_basis, language)


def basis_enforcement(legal_basis: str | None, language: str | None = None) -> Enforcement:
    """Return code, instruction and article for a legal basis, in the given or active language."""
    if language is None:
        return _enforcement(legal_basis)
    with translation.override(language):
        return _enforcement(legal_basis)


def _enforcement(legal_basis: str | None) -> Enforcement:
    code = basis_enforcement_code(legal_basis)
    if code == EnforcementCode.ARREST_POSSIBLE:
        article = ARREST_ARTICLES[legal_basis]
        text = _(
            "Aanhouding mogelijk: overtreding van een %(basis)s is zelf een strafbaar feit (%(article)s). "
            "Bij heterdaad kunt u aanhouden. Meld de overtreding ook aan het OM, dat elke melding beoordeelt."
        ) % {"basis": LegalBasis(legal_basis).label, "article": article}
        return Enforcement(code, text, article)
    text = _(
        "Meld de overtreding aan het Openbaar Ministerie (OM); het OM beoordeelt elke melding. "
        "Aanhouden kan alleen voor een ander strafbaar feit, zoals belaging (art. 285b Sr)."
    )
    return Enforcement(code, text)
