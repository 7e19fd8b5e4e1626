"""Load the demo data set: invented persons, bans of every kind, devices and demo users."""

from django.core.management.base import BaseCommand, CommandError

from seeds.demo_data import USERS
from seeds.seeding import DemoModeRequired, seed_demo


class Command(BaseCommand):
    help = "Laad de demodata (alleen met BANWATCH_DEMO=true). Twee keer draaien verandert niets."

    def handle(self, *args, **options):
        try:
            counts = seed_demo()
        except DemoModeRequired as exc:
            raise CommandError(str(exc)) from exc
        for (model, outcome), n in sorted(counts.items()):
            if outcome != "unchanged" or options["verbosity"] > 1:
                self.stdout.write(f"  {model}: {n} {outcome}")
        changed = sum(n for (_, outcome), n in counts.items() if outcome != "unchanged")
        self.stdout.write(self.style.SUCCESS(f"Demodata geladen ({changed} rijen nieuw of bijgewerkt)."))
        if options["verbosity"] > 1:
            for user in USERS:
                self.stdout.write(f"  {user.username} / {user.password}  ({user.description})")
