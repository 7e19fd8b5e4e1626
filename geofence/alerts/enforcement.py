"""What the police may do on a violation: the enforcement instruction in every alert."""

from django.utils.translation import gettext as _

from registry.models import LegalBasis
from registry.models.decisions import ARREST_POSSIBLE_BASES

ARREST_ARTICLE = "art. 184a Sr"


def enforcement_instruction(legal_basis: str | None) -> dict:
    """Return the enforcement block of an alert for a ban's legal basis (None: no ban known)."""
    if legal_basis in ARREST_POSSIBLE_BASES:
        label = LegalBasis(legal_basis).label
        text = _(
            "Aanhouding mogelijk: overtreding van een %(basis)s is zelf een misdrijf (%(article)s). "
            "Bij ontdekking op heterdaad aanhouden. "
            "Maak proces-verbaal op voor het OM, dat de melding altijd beoordeelt."
        ) % {"basis": label, "article": ARREST_ARTICLE}
        return {"arrest_possible": True, "legal_article": ARREST_ARTICLE, "report_to_om": True, "instruction": text}
    text = _(
        "Geen aanhouding op grond van dit verbod alleen: leg de overtreding vast en meld haar aan het OM, "
        "dat de melding altijd beoordeelt."
    )
    return {"arrest_possible": False, "legal_article": None, "report_to_om": True, "instruction": text}
