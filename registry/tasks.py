"""Celery tasks of the registry: decision import jobs and the audit log's sealer."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, transaction

from .importer import run_job
from .models import AuditEntry, ImportBatch

# A job whose worker died is taken over once it has been silent for IMPORT_STALE_SECONDS: try that often.
MAX_TAKEOVER_TRIES = 12


def queue_import(batch: ImportBatch) -> None:
    """Hand the job to a worker once the upload is committed."""
    transaction.on_commit(lambda: run_import.delay(batch.pk))


@shared_task(bind=True, acks_late=True, max_retries=MAX_TAKEOVER_TRIES)
def run_import(self, batch_id: int) -> None:
    """Run or resume one import job; idempotent: a finished job is left alone, a running one is not entered."""
    try:
        done = run_job(batch_id)
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=settings.IMPORT_STALE_SECONDS) from exc
    if done is None and ImportBatch.objects.filter(pk=batch_id, status__in=("queued", "running")).exists():
        raise self.retry(countdown=settings.IMPORT_STALE_SECONDS)


@shared_task
def seal_audit_log() -> int:
    """Seal the audit entries written since the last run (beat, every AUDIT_SEAL_SECONDS)."""
    return AuditEntry.objects.seal_pending()
