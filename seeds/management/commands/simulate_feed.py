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
        parser.add_argument("--speedup", type=float, default=30.0, help="het verleden zoveel keer sneller afspelen")
        parser.add_argument(
            "--preroll",
            type=float,
            default=600.0,
            help="het scenario begint zoveel seconden in het verleden; daarna gaat het in echte tijd verder",
        )
        parser.add_argument(
            "--keep-alive",
            action="store_true",
            help="laat ook de overige demo-enkelbanden blijven melden, tot Ctrl-C",
        )
        parser.add_argument("--api-key", default=DEMO_VENDOR.api_key, help="API-sleutel van de leverancier")
        parser.add_argument("--seed", type=int, default=2026, help="toevalsgetal: zelfde seed, zelfde ritten")

    def handle(self, *args, **options):
        posts = scenarios.build(options["scenario"], seed=options["seed"])
        client = simulator.FeedClient(options["url"], options["api_key"])
        self.stdout.write(
            f"Scenario {options['scenario']}: {len(posts)} verzendingen; de eerste {options['preroll']:g} s "
            f"{options['speedup']:g}x versneld, daarna in echte tijd."
        )
        if options["keep_alive"]:
            posts = scenarios.with_keep_alive(posts, seed=options["seed"])
        try:
            statuses = simulator.run(
                posts, client, speedup=options["speedup"], preroll_s=options["preroll"], report=self._report
            )
        except (OSError, ValueError) as exc:
            raise CommandError(f"Versturen mislukt: {exc}") from exc
        failed = sum(1 for s in statuses if s >= 400)
        self.stdout.write(f"Klaar: {len(statuses)} verzendingen, {failed} geweigerd.")
        if failed:
            sys.exit(1)

    def _report(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
