"""Decision import jobs: store the upload, then stream it through the importer in committed chunks.

A job (ImportBatch) is created with its file on disk and run by a worker
(registry.tasks.run_import) or in-process (the command, import_file). The
file is read as a stream; every IMPORT_CHUNK_ROWS decisions are imported in
one transaction that also records the job's counts and the last file line
done, so a worker that dies mid-file loses nothing committed and the job
resumes after that line. A bad decision is rejected with its line and kept
(RejectedRow); a file that cannot be read on stops the job at that line.
"""

import hashlib
import io
import logging
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from .import_bulk import import_chunk
from .import_csv import check_header_of
from .import_formats import FileError, ImportRow, TextReader, guess_format, iter_rows
from .import_rows import RowContext, import_row
from .models import AuditEntry, ImportBatch, ImportStatus, RejectedRow

log = logging.getLogger(__name__)
Progress = Callable[[ImportBatch], None]
OUTCOMES = ("created", "updated", "unchanged", "rejected")


class ImportFileRejected(Exception):
    """The file could not be read (on); the job records why and where."""

    def __init__(self, batch: ImportBatch, error: FileError) -> None:
        self.batch, self.error = batch, error
        super().__init__(str(error))


class ClaimLost(Exception):
    """Another worker took the job over; this one stops without writing."""


def create_job(stream, *, filename: str, file_format: str | None = None, user=None) -> ImportBatch:
    """Store an uploaded file (any readable binary stream) and return its queued job."""
    file_format = file_format or guess_format(filename)
    batch = ImportBatch(filename=filename[:255], file_format=file_format, status=ImportStatus.QUEUED)
    batch.imported_by = user if user is not None and user.is_authenticated else None
    hasher = _HashingReader(stream)
    batch.upload.save(f"{uuid.uuid4().hex}.{file_format}", File(hasher), save=False)
    batch.sha256, batch.bytes_total = hasher.sha256.hexdigest(), hasher.size
    batch.save()
    return batch


class _HashingReader:
    """Hash and count the bytes as the storage copies them, so the file is read once."""

    def __init__(self, stream) -> None:
        self.stream, self.sha256, self.size = stream, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def precheck(batch: ImportBatch) -> None:
    """Refuse at once what a worker would refuse at line 1: an empty file, a CSV header that does not fit.

    The job is then finished as failed, with its report; raise ImportFileRejected.
    """
    error = None
    if batch.bytes_total == 0:
        error = FileError(1, "empty", gettext("het bestand is leeg"))
    elif batch.file_format == "csv":
        with batch.upload.open("rb") as stream:
            try:
                check_header_of(TextReader(stream))
            except FileError as exc:
                error = exc
    if error is not None:
        token = claim(batch.pk)
        if token is not None:
            _Job(batch, token, None).fail(error)
        raise ImportFileRejected(batch, error)


def claim(batch_id: int) -> str | None:
    """Take a queued job, or a running one silent for IMPORT_STALE_SECONDS; return the claim or None."""
    token, now = str(uuid.uuid4()), timezone.now()
    stale = now - timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    free = Q(status=ImportStatus.QUEUED) | Q(status=ImportStatus.RUNNING, progress_at__lt=stale)
    taken = ImportBatch.objects.filter(free, pk=batch_id).update(
        status=ImportStatus.RUNNING, claim=token, progress_at=now, started_at=Coalesce(F("started_at"), now)
    )
    return token if taken else None


def run_job(batch_id: int, progress: Progress | None = None) -> ImportBatch | None:
    """Run (or resume) a job to its end; return it, or None when it is finished or another worker runs it."""
    token = claim(batch_id)
    if token is None:
        return None
    batch = ImportBatch.objects.select_related("imported_by").get(pk=batch_id)
    job = _Job(batch, token, progress)
    try:
        job.run()
    except FileError as exc:
        job.fail(exc)
    except ClaimLost:
        log.warning("import %s was taken over by another worker", batch_id)
        return None
    except DatabaseError:
        raise  # the job stays running from its last committed line; the task tries again
    except Exception:
        log.exception("import %s failed", batch_id)
        job.fail(FileError(batch.last_line + 1, "internal", "interne fout; de import is gestopt"))
    return job.batch


class _Job:
    def __init__(self, batch: ImportBatch, token: str, progress: Progress | None) -> None:
        self.batch, self.token, self.progress = batch, token, progress
        self.ctx = RowContext(batch, batch.imported_by)
        self.resume_after = batch.last_line

    def run(self) -> None:
        chunk: list[ImportRow] = []
        with self.batch.upload.open("rb") as stream:
            self.reader = TextReader(stream)
            try:
                for row in iter_rows(stream, self.batch.file_format, self.reader):
                    if row.end_line <= self.resume_after:
                        self._remember(row)  # committed before the job was resumed
                        continue
                    chunk.append(row)
                    if len(chunk) >= settings.IMPORT_CHUNK_ROWS:
                        self._commit(chunk)
                        chunk = []
            except FileError:
                if chunk:
                    self._commit(chunk)  # what was read before the error stays imported
                raise
            if chunk:
                self._commit(chunk)
        self._finish(ImportStatus.DONE)

    def _remember(self, row: ImportRow) -> None:
        key = (str(row.data.get("authority", "")), str(row.data.get("reference", "")))
        if not row.errors and all(key):
            self.ctx.seen.add(key, row.line)
            if len(self.ctx.seen) % settings.IMPORT_CHUNK_ROWS == 0:
                self.ctx.seen.checkpoint()

    def _commit(self, chunk: list[ImportRow]) -> None:
        self.ctx.seen.checkpoint()  # what was remembered before this chunk is for good
        with transaction.atomic():
            self._check_claim()
            try:
                with transaction.atomic():
                    outcomes = import_chunk(self.ctx, chunk)
            except DatabaseError:
                log.warning(
                    "bulk import of lines %s-%s failed; importing them one by one", chunk[0].line, chunk[-1].line
                )
                self.ctx.seen.rollback()
                outcomes = Counter(import_row(self.ctx, row) for row in chunk)
            self._record(outcomes, chunk[-1].end_line)
        self.ctx.seen.checkpoint()
        if self.progress is not None:
            self.progress(self.batch)

    def _check_claim(self) -> None:
        if ImportBatch.objects.select_for_update().filter(pk=self.batch.pk).values_list("claim", flat=True)[0] != (
            self.token
        ):
            raise ClaimLost

    def _record(self, outcomes: Counter, last_line: int) -> None:
        batch = self.batch
        batch.rows_total += sum(outcomes[o] for o in OUTCOMES)
        for name in OUTCOMES:
            setattr(batch, f"rows_{name}", getattr(batch, f"rows_{name}") + outcomes[name])
        batch.last_line, batch.progress_at = last_line, timezone.now()
        batch.bytes_done = self.reader.position() or batch.bytes_done
        fields = ["rows_total", *(f"rows_{o}" for o in OUTCOMES), "last_line", "progress_at", "bytes_done"]
        batch.save(update_fields=fields)

    def fail(self, error: FileError) -> None:
        with transaction.atomic():
            RejectedRow.objects.create(batch=self.batch, line=error.line, raw="", errors=[_file_error(error)])
            self.batch.rows_rejected += 1
            self.batch.failure = error.message
            self.batch.save(update_fields=["rows_rejected", "failure"])
            self._finish(ImportStatus.FAILED)

    def _finish(self, status: str) -> None:
        batch = self.batch
        with transaction.atomic():
            self._check_claim()
            batch.status, batch.finished_at, batch.progress_at = status, timezone.now(), timezone.now()
            if status == ImportStatus.DONE:
                batch.bytes_done = batch.bytes_total
            batch.save(update_fields=["status", "finished_at", "progress_at", "bytes_done"])
            counts = {o: getattr(batch, f"rows_{o}") for o in OUTCOMES}
            AuditEntry.record(batch.imported_by, "import_decisions", batch, filename=batch.filename, **counts)
        if batch.upload:
            batch.upload.delete(save=False)  # the file holds personal data; the report stays
            ImportBatch.objects.filter(pk=batch.pk).update(upload="")
        if self.progress is not None:
            self.progress(batch)


def _file_error(error: FileError) -> dict:
    return {"line": error.line, "field": "file", "code": error.code, "message": error.message}


def import_file(content: bytes, *, filename: str, file_format: str | None = None, user=None) -> ImportBatch:
    """Import a file held in memory in this process; return its job. Raise ImportFileRejected when unreadable."""
    batch = create_job(io.BytesIO(content), filename=filename, file_format=file_format, user=user)
    run_job(batch.pk)
    batch.refresh_from_db()
    if batch.status == ImportStatus.FAILED:
        error = batch.rejected_rows.filter(errors__0__field="file").order_by("-pk").first().errors[0]
        raise ImportFileRejected(batch, FileError(error["line"], error["code"], error["message"]))
    return batch
