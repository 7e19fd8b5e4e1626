from django.core.management.base import BaseCommand

from geofence.retention import purge_expired


class Command(BaseCommand):
    help = "Delete or anonymise what outlived its retention term (docs/retention.md); the purge is audited."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would expire; change nothing")

    def handle(self, **options):
        counts = purge_expired(dry_run=options["dry_run"])
        verb = "would expire" if options["dry_run"] else "expired"
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} {verb}")
