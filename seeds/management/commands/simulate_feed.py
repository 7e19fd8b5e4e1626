"""Play a scripted ankle-monitor scenario against the feed API over HTTP."""

import sys

from django.core.management.base import BaseCommand, CommandError

from seeds import scenarios, simulator
from seeds.demo_data import DEMO_VENDOR


class Command(BaseCommand):
    help = "Stuur gesimuleerde enkelbandposities en -gebeurtenissen naar de feed-API."

    def add_arguments(self, parser):
        parser.add_argument("--scenario", choices=[*scenarios.SCENARIOS, "all"], default="approach")
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="basis-URL van banwatch")
        parser.add_argument("--speedup", type=float, default=10.0, help="zoveel keer sneller dan echte tijd")
        parser.add_argument("--api-key", default=DEMO_VENDOR.api_key, help="API-sleutel van de leverancier")
        parser.add_argument("--seed", type=int, default=2026, help="toevalsgetal: zelfde seed, zelfde ritten")

    def handle(self, *args, **options):
        posts = scenarios.build(options["scenario"], seed=options["seed"])
        client = simulator.FeedClient(options["url"], options["api_key"])
        self.stdout.write(f"Scenario {options['scenario']}: {len(posts)} verzendingen, {options['speedup']:g}x")
        try:
            statuses = simulator.run(posts, client, speedup=options["speedup"], report=self._report)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Versturen mislukt: {exc}") from exc
        failed = sum(1 for s in statuses if s >= 400)
        self.stdout.write(f"Klaar: {len(statuses)} verzendingen, {failed} geweigerd.")
        if failed:
            sys.exit(1)

    def _report(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
