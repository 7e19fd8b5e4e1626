"""The registrar's import pages: upload a decision file, follow its job live, read the report."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from registry.audit_reads import record_read
from registry.importer import ImportFileRejected, create_job, precheck
from registry.models import ImportBatch
from registry.roles import Role, has_role
from registry.tasks import queue_import

RECENT_JOBS = 50
REPORT_LINES = 200  # rejected rows on the page; the API's /rejected has them all
POLL_MS = 1000


def _require_reader(user) -> None:
    if not has_role(user, Role.REGISTRAR, Role.SUPERVISOR):
        raise PermissionDenied


@never_cache
@login_required
def import_jobs(request):
    """List the recent import jobs; a registrar uploads a file here (POST), which becomes a job."""
    _require_reader(request.user)
    error, status = "", 200
    if request.method == "POST":
        if not has_role(request.user, Role.REGISTRAR):
            raise PermissionDenied
        upload = request.FILES.get("file")
        if upload is None:
            error, status = _("Kies een bestand om te importeren."), 400
        else:
            batch = create_job(upload, filename=upload.name, file_format=request.POST.get("file_format") or None,
                               user=request.user)  # fmt: skip
            try:
                precheck(batch)
            except ImportFileRejected:
                return redirect("registry:import-job", pk=batch.pk)
            queue_import(batch)
            return redirect("registry:import-job", pk=batch.pk)
    jobs = ImportBatch.objects.select_related("imported_by")[:RECENT_JOBS]
    context = {"jobs": jobs, "error": error, "may_upload": has_role(request.user, Role.REGISTRAR)}
    return render(request, "registry/import_jobs.html", context, status=status)


@never_cache
@login_required
def import_job(request, pk: int):
    """Show one job: progress while it runs (the page polls its JSON), the line-numbered report when done."""
    _require_reader(request.user)
    batch = get_object_or_404(ImportBatch.objects.select_related("imported_by"), pk=pk)
    rejected = list(batch.rejected_rows.all()[:REPORT_LINES])
    # The report quotes the file's rows (names, references): its read is audited like the API's.
    record_read(request, "registry.import_job", target=batch)
    context = {"job": batch, "rejected": rejected, "poll_ms": POLL_MS}
    return render(request, "registry/import_job.html", context)


@never_cache
@login_required
def import_job_progress(request, pk: int):
    """Return the job's status, progress and counts, and its first rejected lines once it has finished."""
    _require_reader(request.user)
    batch = get_object_or_404(ImportBatch, pk=pk)
    return JsonResponse(progress_of(batch))


def progress_of(batch: ImportBatch) -> dict:
    body = {
        "id": batch.pk,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "finished": batch.finished,
        "percent": batch.percent,
        "last_line": batch.last_line,
        "failure": batch.failure,
        **{f"rows_{o}": getattr(batch, f"rows_{o}") for o in ("total", "created", "updated", "unchanged", "rejected")},
    }
    if batch.finished:
        rows = batch.rejected_rows.all()[:REPORT_LINES]
        body["rejected"] = [{"line": r.line, "errors": r.errors} for r in rows]
    return body
