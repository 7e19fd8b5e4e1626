"""The alert outbox: written in the same transaction as the incident change it reports."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertStatus(models.TextChoices):
    PENDING = "pending", _("in wachtrij")
    PUBLISHED = "published", _("afgeleverd")
    DEAD = "dead", _("aflevering mislukt")


class AlertOutbox(models.Model):
    """One alert for the police queue. `alert_id` is stable: consumers de-duplicate on it."""

    alert_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The causing object, kept generic so device and outage incidents fit too.
    incident_id = models.BigIntegerField(db_index=True)
    change = models.CharField(_("wijziging"), max_length=40)
    priority = models.PositiveSmallIntegerField(_("prioriteit"), default=3)
    message = models.JSONField(_("bericht"))
    status = models.CharField(max_length=10, choices=AlertStatus.choices, default=AlertStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=150, blank=True)
    police_outcome = models.CharField(max_length=40, blank=True)
    police_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="alert_pending_idx",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.change} {self.alert_id}"
