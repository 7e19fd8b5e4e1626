import argparse
import time

from django.core.management.base import BaseCommand

from registry.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Seal the audit entries still awaiting their place in the hash chain (beat does this every "
        "AUDIT_SEAL_SECONDS); with --every, keep sealing at that interval until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=_seconds, metavar="SECONDS", help="repeat at this interval (over 0) until stopped"
        )

    def handle(self, every=None, **options):
        while True:
            sealed = AuditEntry.objects.seal_pending()
            if every is None:
                self.stdout.write(f"sealed: {sealed} entries")
                return
            time.sleep(every)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:  # also NaN
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds over 0")
    return value
