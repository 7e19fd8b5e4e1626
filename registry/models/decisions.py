"""Decisions of the OM, courts and mayors that impose bans."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .legal import ARREST_ARTICLES, ARREST_POSSIBLE_BASES, BasisRule, LegalBasis, rule_for
from .people import Person

__all__ = ["ARREST_ARTICLES", "ARREST_POSSIBLE_BASES", "Authority", "Decision", "LegalBasis", "RiskLevel"]


class Authority(models.TextChoices):
    OM = "om", _("Openbaar Ministerie")
    COURT = "court", _("rechtbank")
    COURT_OF_APPEAL = "court_of_appeal", _("gerechtshof")
    MAYOR = "mayor", _("burgemeester")
    CIVIL_COURT = "civil_court", _("civiele rechter")


class RiskLevel(models.TextChoices):
    """SASH screening outcome of the police."""

    LOW = "low", _("laag")
    MEDIUM = "medium", _("midden")
    HIGH = "high", _("hoog")

    @staticmethod
    def rank(value: str | None) -> int:
        """Return how urgent a risk is, for ordering: high 3, medium 2, low 1, unscreened ("") 0."""
        return _RISK_RANK.get(value or "", 0)


_RISK_RANK = {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 1}


class Decision(models.Model):
    """The source of one or more bans: who decided what, on which legal basis."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("persoon"))
    authority = models.CharField(_("instantie"), max_length=20, choices=Authority.choices)
    legal_basis = models.CharField(_("grondslag"), max_length=40, choices=LegalBasis.choices)
    reference = models.CharField(_("kenmerk (parketnummer)"), max_length=60)
    decision_date = models.DateField(_("datum beslissing"))
    dut = models.BooleanField(_("dadelijk uitvoerbaar (DUT)"), default=False)
    electronic_monitoring = models.BooleanField(_("elektronische monitoring"), default=False)
    sash_risk = models.CharField(_("risico (SASH)"), max_length=10, choices=RiskLevel.choices, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("beslissing")
        verbose_name_plural = _("beslissingen")
        ordering = ["-decision_date", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "reference"], name="decision_unique_authority_reference")
        ]

    def __str__(self) -> str:
        return f"{self.get_authority_display()} {self.reference}"

    def audit_subjects(self) -> tuple[list[int], list[int]]:
        """Return the ids its page shows: the person, and the persons its bans protect (registry/audit_reads.py)."""
        protected = self.bans.values_list("protected_persons", flat=True)
        return [self.person_id], sorted({pk for pk in protected if pk is not None})

    @property
    def arrest_possible(self) -> bool:
        return self.legal_basis in ARREST_POSSIBLE_BASES

    @property
    def rule(self) -> BasisRule:
        """Return what the law says about bans on this decision's basis."""
        return rule_for(self.legal_basis)
