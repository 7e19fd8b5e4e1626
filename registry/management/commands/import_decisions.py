from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from registry.importer import create_job, run_job
from registry.models import ImportBatch, ImportStatus
from registry.tasks import queue_import


class Command(BaseCommand):
    help = "Import an OM/CJIB decision file (JSON or CSV) as an import job; see docs/import-format.md."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument("--format", choices=["json", "csv"], help="default: from the file name")
        parser.add_argument("--user", help="username recorded in the history (default: none)")
        parser.add_argument("--background", action="store_true", help="queue the job for a worker and return")
        parser.add_argument("--resume", type=int, metavar="JOB", help="go on with a job whose worker stopped")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        if options["resume"]:
            batch = ImportBatch.objects.filter(pk=options["resume"]).first()
            if batch is None:
                raise CommandError(f"no import job {options['resume']}")
        else:
            batch = self._create(options)
        if options["background"]:
            queue_import(batch)
            self.stdout.write(f"{batch.filename}: import job {batch.pk} queued")
            return
        self._run(batch, show=not options["no_progress"])

    def _create(self, options) -> ImportBatch:
        path: Path | None = options["file"]
        if path is None:
            raise CommandError("give a FILE, or --resume JOB")
        user = self._user(options["user"])
        try:
            with path.open("rb") as stream:
                return create_job(stream, filename=path.name, file_format=options["format"], user=user)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc

    def _run(self, batch: ImportBatch, show: bool) -> None:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, disable=not show, transient=True) as bar:
            task = bar.add_task(f"{batch.filename} (KiB)", total=max(1, batch.bytes_total // 1024))

            def step(job: ImportBatch) -> None:
                bar.update(task, completed=job.bytes_done // 1024, description=f"{job.filename}: {job.rows_total}")

            done = run_job(batch.pk, progress=step)
        if done is None:
            raise CommandError(f"import job {batch.pk} is finished or running elsewhere")
        self._report(done)

    def _report(self, batch: ImportBatch) -> None:
        self.stdout.write(
            f"{batch.filename}: {batch.rows_total} decisions, {batch.rows_created} created, "
            f"{batch.rows_updated} updated, {batch.rows_unchanged} unchanged, {batch.rows_rejected} rejected "
            f"(import {batch.pk})"
        )
        for row in batch.rejected_rows.all():
            for error in row.errors:
                self.stdout.write(f"  line {error['line']}: {error['field'] or '-'}: {error['message']}")
        if batch.status == ImportStatus.FAILED:
            raise CommandError(f"{batch.filename}: stopped at line {batch.rejected_rows.last().line}: {batch.failure}")

    def _user(self, username: str | None):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {username!r}") from None
