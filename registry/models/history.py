"""Append-only history: every change to a registry row, with who, when and why."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class HistoryEntry(models.Model):
    """A snapshot of a row after a change. Never updated, never deleted."""

    class Action(models.TextChoices):
        CREATED = "created", _("aangemaakt")
        UPDATED = "updated", _("gewijzigd")
        SUSPENDED = "suspended", _("geschorst")
        REINSTATED = "reinstated", _("hervat")
        REVOKED = "revoked", _("ingetrokken")
        ENDED = "ended", _("beëindigd")
        IMPORTED = "imported", _("geïmporteerd")

    model = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    version = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)
    snapshot = models.JSONField()
    changed_fields = models.JSONField(default=list)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("wijziging")
        verbose_name_plural = _("wijzigingshistorie")
        ordering = ["model", "object_id", "version"]
        indexes = [models.Index(fields=["model", "object_id", "version"])]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} v{self.version} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("History entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("History entries are append-only.")
