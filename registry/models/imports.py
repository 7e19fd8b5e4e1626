"""Decision imports from OM/CJIB files (import jobs), and the rows they rejected."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@deconstructible
class ImportUploadStorage(FileSystemStorage):
    """Uploaded decision files until their job has run, in IMPORT_UPLOAD_DIR (shared by web and workers)."""

    @property
    def base_location(self):
        return str(settings.IMPORT_UPLOAD_DIR)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    RUNNING = "running", _("bezig")
    DONE = "done", _("klaar")
    FAILED = "failed", _("afgebroken")


class ImportBatch(models.Model):
    """One imported file: an import job, run by a worker, with its progress and report."""

    filename = models.CharField(_("bestand"), max_length=255)
    file_format = models.CharField(_("formaat"), max_length=10)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.DONE)
    # The file until its job has finished; deleted then (it holds personal data), the report stays.
    upload = models.FileField(storage=ImportUploadStorage(), upload_to="%Y/%m/", blank=True, max_length=300)
    bytes_total = models.BigIntegerField(default=0)
    bytes_done = models.BigIntegerField(default=0)
    # Every decision up to and including this file line is committed: a resumed job goes on after it.
    last_line = models.PositiveIntegerField(default=0)
    # Who runs the job now: a worker that finds another claim on its next chunk stops.
    claim = models.CharField(max_length=36, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(_("reden afbreken"), blank=True)
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

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        """Return how far through the file the job is, 0 to 100."""
        if self.status == ImportStatus.DONE:
            return 100
        if not self.bytes_total:
            return 0
        return min(99, int(100 * self.bytes_done / self.bytes_total))


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
