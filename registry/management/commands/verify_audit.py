from django.core.management.base import BaseCommand, CommandError

from registry.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain; report the first broken link or an entry left unsealed too long "
        "(exit 1), or ok with the count of sealed entries and of those still awaiting their seal."
    )

    def handle(self, **options):
        broken, count = AuditEntry.objects.first_break()
        if broken is not None:
            raise CommandError(f"broken at entry {broken.entry_id} ({count} checked): {broken.reason}", returncode=1)
        pending = AuditEntry.objects.unsealed().count()
        self.stdout.write(f"ok: {count} entries" + (f", {pending} awaiting their seal" if pending else ""))
