"""Read the police queue like a dispatch system would, or sweep the outbox by hand."""

import json
import time

from django.core.management.base import BaseCommand

from geofence.alerts import services
from geofence.alerts.police_queue import PoliceQueue
from geofence.alerts.summary import summary_line


class Command(BaseCommand):
    help = "Volg de politiewachtrij (tail) of verstuur openstaande meldingen (sweep)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        tail = sub.add_parser("tail", help="Toon meldingen zodra ze binnenkomen en bevestig ze daarna.")
        tail.add_argument("--json", action="store_true", help="Toon ook het volledige JSON-bericht.")
        tail.add_argument("--count", type=int, default=None, help="Stop na N meldingen.")
        tail.add_argument("--timeout", type=float, default=None, help="Stop na S seconden zonder melding.")
        sweep = sub.add_parser("sweep", help="Verstuur openstaande meldingen waarvan de tijd gekomen is.")
        sweep.add_argument("--every", type=float, default=None, help="Herhaal elke S seconden (zonder Celery beat).")

    def handle(self, *args, **options):
        if options["action"] == "tail":
            self.tail(options["json"], options["count"], options["timeout"])
        else:
            self.sweep(options["every"])

    def tail(self, as_json: bool, count: int | None, timeout: float | None) -> None:
        for alert, message in PoliceQueue().receive(count=count, timeout=timeout):
            self.stdout.write(summary_line(alert.body))
            if as_json:
                self.stdout.write(json.dumps(alert.body, ensure_ascii=False, indent=2))
            self.stdout.flush()
            # Ack only after printing: a crash before this line leaves the alert on the queue.
            message.ack()

    def sweep(self, every: float | None) -> None:
        while True:
            report = services.sweep()
            self.stdout.write(f"verstuurd: {report.published}, mislukt: {report.failed}")
            if every is None:
                return
            time.sleep(every)
