from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registry.importer import ImportFileRejected, import_file


class Command(BaseCommand):
    help = "Import an OM/CJIB decision file (JSON or CSV); see docs/import-format.md."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["json", "csv"], help="default: from the file name")
        parser.add_argument("--user", help="username recorded in the history (default: none)")

    def handle(self, *args, **options):
        user = self._user(options["user"])
        path: Path = options["file"]
        try:
            batch = import_file(path.read_bytes(), filename=path.name, file_format=options["format"], user=user)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        except ImportFileRejected as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(
            f"{path.name}: {batch.rows_total} decisions, {batch.rows_created} created, {batch.rows_updated} updated, "
            f"{batch.rows_unchanged} unchanged, {batch.rows_rejected} rejected (import {batch.pk})"
        )
        for row in batch.rejected_rows.all():
            for error in row.errors:
                self.stdout.write(f"  line {error['line']}: {error['field'] or '-'}: {error['message']}")

    def _user(self, username: str | None):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {username!r}") from None
