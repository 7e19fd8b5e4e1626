"""Bans: contact bans, area bans and presence obligations, with their validity."""

import datetime as dt

from django.db import models
from django.db.models import DurationField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geofence.engine.constants import DEFAULT_AREA_BAN_RADIUS_M

from .decisions import Decision
from .legal import RULES
from .people import Person, ProtectedPerson


class BanKind(models.TextChoices):
    CONTACT = "contact", _("contactverbod")
    AREA = "area", _("locatieverbod")
    PRESENCE = "presence", _("locatiegebod")


class BanStatus(models.TextChoices):
    # Pending: imposed but not yet effective (e.g. awaiting a final judgment without DUT).
    PENDING = "pending", _("nog niet van kracht")
    ACTIVE = "active", _("van kracht")
    SUSPENDED = "suspended", _("geschorst")
    ENDED = "ended", _("beëindigd")
    REVOKED = "revoked", _("ingetrokken")


class ContactMode(models.TextChoices):
    DIRECT = "direct", _("direct")
    INDIRECT = "indirect", _("indirect (via derden)")
    ONLINE = "online", _("online")


class ZoneShape(models.TextChoices):
    CIRCLE = "circle", _("cirkel")
    POLYGON = "polygon", _("gebied (polygoon)")


class BanQuerySet(models.QuerySet):
    def in_force(self, at=None):
        """Return the bans in force at the given time (default: now)."""
        at = at or timezone.now()
        return self.filter(status=BanStatus.ACTIVE, valid_from__lte=at).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=at)
        )

    def legal_term_candidates(self, at=None):
        """Return the open bans that may run past their end or legal term; registry.terms decides for each."""
        at = at or timezone.now()
        wanted = Q(valid_until__lte=at)
        for basis, rule in RULES.items():
            if rule.end_required:
                wanted |= Q(decision__legal_basis=basis, valid_until__isnull=True)
            if rule.standard_term is not None:
                # Whole days never longer than the term: a superset, checked exactly row by row.
                shortest = dt.timedelta(days=rule.standard_term.lower_bound_days - 1)
                wanted |= Q(decision__legal_basis=basis) & (Q(valid_from__lte=at - shortest) | Q(length__gt=shortest))
        length = ExpressionWrapper(F("valid_until") - F("valid_from"), output_field=DurationField())
        open_bans = self.exclude(status__in=(BanStatus.ENDED, BanStatus.REVOKED))
        return open_bans.annotate(length=length).filter(wanted)


class Ban(models.Model):
    """One ban from a decision. A zone applies to area bans and presence obligations."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="bans", verbose_name=_("beslissing"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="bans", verbose_name=_("persoon"))
    kind = models.CharField(_("soort"), max_length=10, choices=BanKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=BanStatus.choices, default=BanStatus.ACTIVE)
    valid_from = models.DateTimeField(_("geldig vanaf"))
    valid_until = models.DateTimeField(_("geldig tot"), null=True, blank=True)
    protected_persons = models.ManyToManyField(
        ProtectedPerson, blank=True, related_name="bans", verbose_name=_("beschermde personen")
    )
    contact_modes = models.JSONField(_("vormen van contact"), default=list, blank=True)
    zone_shape = models.CharField(_("vorm zone"), max_length=10, choices=ZoneShape.choices, blank=True)
    centre_lat = models.FloatField(_("middelpunt breedtegraad"), null=True, blank=True)
    centre_lon = models.FloatField(_("middelpunt lengtegraad"), null=True, blank=True)
    radius_m = models.FloatField(_("straal (m)"), null=True, blank=True, default=None)
    zone_geojson = models.JSONField(_("gebied (GeoJSON)"), null=True, blank=True)
    # Weekly windows in Europe/Amsterdam local time: [{"days": [0..6], "start": "22:00", "end": "06:00"}].
    time_windows = models.JSONField(_("tijdvensters"), default=list, blank=True)
    zone_description = models.CharField(_("omschrijving zone"), max_length=300, blank=True)
    # Why the ban may run longer than its basis's standard term (an extension, or a statutory exception);
    # required when it does, kept in the history with every change.
    term_justification = models.CharField(_("grond voor langere termijn"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BanQuerySet.as_manager()

    class Meta:
        verbose_name = _("verbod")
        verbose_name_plural = _("verboden")
        ordering = ["-valid_from"]
        indexes = [
            models.Index(fields=["person", "status", "valid_from"]),
            models.Index(fields=["status", "valid_from", "valid_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person} ({self.decision.reference})"

    @property
    def has_zone(self) -> bool:
        return self.kind in (BanKind.AREA, BanKind.PRESENCE)

    @property
    def effective_radius_m(self) -> float:
        return self.radius_m if self.radius_m is not None else DEFAULT_AREA_BAN_RADIUS_M

    @property
    def legal_end(self):
        """Return the last moment the law lets this ban run, from its basis and start; None when unbounded."""
        term = self.decision.rule.longest_term(bool(self.term_justification.strip()))
        return term.after(timezone.localtime(self.valid_from)) if term and self.valid_from else None

    def is_in_force(self, at=None) -> bool:
        at = at or timezone.now()
        return (
            self.status == BanStatus.ACTIVE
            and self.valid_from <= at
            and (self.valid_until is None or at < self.valid_until)
        )
