"""Decision imports from OM/CJIB files, and the rows they rejected."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One imported file."""

    filename = models.CharField(_("bestand"), max_length=255)
    file_format = models.CharField(_("formaat"), max_length=10)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.imported_at:%Y-%m-%d %H:%M})"


class RejectedRow(models.Model):
    """A row an import refused, kept with its raw content and the reason."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="rejected_rows")
    line = models.PositiveIntegerField(_("regel"))
    raw = models.TextField(_("ruwe regel"))
    errors = models.JSONField(_("fouten"))
    resolved = models.BooleanField(_("afgehandeld"), default=False)

    class Meta:
        verbose_name = _("geweigerde regel")
        verbose_name_plural = _("geweigerde regels")
        ordering = ["batch", "line"]

    def __str__(self) -> str:
        return f"{self.batch.filename}:{self.line}"
