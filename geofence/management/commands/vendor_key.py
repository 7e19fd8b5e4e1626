"""Issue, rotate, revoke and list vendor API keys: `manage.py vendor_key issue SLUG`; each new key is shown once."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from geofence.models import Vendor, VendorApiKey


class Command(BaseCommand):
    help = "Feed-API-sleutels van leveranciers: uitgeven, vervangen (oude blijft even geldig), intrekken, tonen."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="geef een leverancier een nieuwe sleutel")
        issue.add_argument("vendor", help="de code (slug) van de leverancier")
        issue.add_argument("--name", default="", help="omschrijving, bijvoorbeeld het systeem dat de sleutel gebruikt")
        rotate = actions.add_parser("rotate", help="vervang een sleutel; de oude blijft --grace-hours geldig")
        rotate.add_argument("prefix", help="het begin van de sleutel (voor de punt)")
        rotate.add_argument("--grace-hours", type=int, default=None, help="standaard VENDOR_KEY_ROTATION_GRACE_HOURS")
        revoke = actions.add_parser("revoke", help="trek een sleutel direct in")
        revoke.add_argument("prefix")
        listing = actions.add_parser("list", help="toon de sleutels van een leverancier (alleen het begin)")
        listing.add_argument("vendor")

    def handle(self, *args, **options):
        getattr(self, "_" + options["action"])(options)

    def _issue(self, options) -> None:
        row, key = VendorApiKey.issue(self._vendor(options["vendor"]), options["name"])
        self._show_once(row, key)

    def _rotate(self, options) -> None:
        hours = options["grace_hours"]
        hours = settings.VENDOR_KEY_ROTATION_GRACE_HOURS if hours is None else hours
        if hours < 0:
            raise CommandError("--grace-hours mag niet negatief zijn.")
        old = self._key(options["prefix"], usable=True)
        row, key = old.rotate(timedelta(hours=hours))
        self.stdout.write(f"Oude sleutel {old.prefix}… blijft geldig tot {old.expires_at:%Y-%m-%d %H:%M %Z}.")
        self._show_once(row, key)

    def _revoke(self, options) -> None:
        row = self._key(options["prefix"])
        row.revoke()
        self.stdout.write(f"Sleutel {row.prefix}… van {row.vendor} ingetrokken.")

    def _list(self, options) -> None:
        usable = set(VendorApiKey.objects.usable().values_list("pk", flat=True))
        for row in self._vendor(options["vendor"]).api_keys.order_by("created_at"):
            state = "geldig" if row.pk in usable else "ongeldig"
            until = f" tot {row.expires_at:%Y-%m-%d %H:%M}" if row.expires_at else ""
            self.stdout.write(f"{row.prefix}…  {row.name or '-'}  {state}{until}")

    def _show_once(self, row: VendorApiKey, key: str) -> None:
        self.stdout.write(f"Nieuwe sleutel voor {row.vendor} (alleen nu zichtbaar, geef hem veilig door):")
        self.stdout.write(key)

    def _vendor(self, slug: str) -> Vendor:
        try:
            return Vendor.objects.get(slug=slug)
        except Vendor.DoesNotExist:
            raise CommandError(f"Geen leverancier met code {slug!r}.") from None

    def _key(self, prefix: str, usable: bool = False) -> VendorApiKey:
        rows = VendorApiKey.objects.usable() if usable else VendorApiKey.objects.all()
        row = rows.select_related("vendor").filter(prefix=prefix.partition(".")[0]).first()
        if row is None:
            raise CommandError(f"Geen {'geldige ' if usable else ''}sleutel die begint met {prefix!r}.")
        return row
