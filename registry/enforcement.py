"""What a police officer must do when a ban is violated: defined once, used by lookup, alerts and letters."""

from dataclasses import dataclass
from enum import StrEnum

from django.utils import translation
from django.utils.translation import gettext as _


class EnforcementCode(StrEnum):
    ARREST_POSSIBLE = "arrest_possible"
    REPORT_TO_OM = "report_to_om"


@dataclass(frozen=True)
class Enforcement:
    code: EnforcementCode
    text: str


def enforcement_code(decision) -> EnforcementCode:
    """Return whether a violation caught in the act allows arrest, or is reported to the OM."""
    # Decision.arrest_possible holds the legal rule (art. 509hh Sv / 184a Sr); this module only words it.
    return EnforcementCode.ARREST_POSSIBLE if decision.arrest_possible else EnforcementCode.REPORT_TO_OM


def enforcement_instruction(decision, language: str | None = None) -> str:
    """Return the instruction for an officer facing a violation, in the given or active language."""
    code = enforcement_code(decision)
    if language is None:
        return _instruction_text(code)
    with translation.override(language):
        return _instruction_text(code)


def enforcement(decision, language: str | None = None) -> Enforcement:
    """Return the code and the instruction text together."""
    return Enforcement(enforcement_code(decision), enforcement_instruction(decision, language))


def _instruction_text(code: EnforcementCode) -> str:
    if code == EnforcementCode.ARREST_POSSIBLE:
        return _(
            "Aanhouding mogelijk: overtreding van deze gedragsaanwijzing (art. 509hh Sv) is zelf een strafbaar "
            "feit (art. 184a Sr). Bij heterdaad kunt u aanhouden. Meld de overtreding ook aan het OM."
        )
    return _(
        "Meld de overtreding aan het Openbaar Ministerie (OM); het OM beoordeelt elke melding. "
        "Aanhouden kan alleen voor een ander strafbaar feit, zoals belaging (art. 285b Sr)."
    )
