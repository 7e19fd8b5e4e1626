"""Issue, list and revoke API tokens of machine clients: `manage.py api_token issue NAME [--days N]`."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from knox.models import AuthToken


class Command(BaseCommand):
    help = "API-tokens: uitgeven (één keer getoond), tonen, intrekken. Opgeslagen als hash; verlopen na --days dagen."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="geef een gebruiker een nieuw token")
        issue.add_argument("username")
        issue.add_argument("--days", type=int, default=None, help="geldig zoveel dagen (standaard API_TOKEN_TTL_DAYS)")
        listing = actions.add_parser("list", help="toon de tokens van een gebruiker (alleen het begin)")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="trek een token in, gevonden op zijn begin")
        revoke.add_argument("token_key", help="de eerste 15 tekens van het token")

    def handle(self, *args, **options):
        getattr(self, "_" + options["action"])(options)

    def _issue(self, options) -> None:
        user = self._user(options["username"])
        days = options["days"]
        if days is not None and days <= 0:
            raise CommandError("--days moet positief zijn.")
        expiry = timedelta(days=days) if days else None
        row, token = AuthToken.objects.create(user=user, **({"expiry": expiry} if expiry else {}))
        self.stdout.write(f"Token voor {user.username} (geldig tot {row.expiry:%Y-%m-%d %H:%M}); alleen nu zichtbaar:")
        self.stdout.write(token)

    def _list(self, options) -> None:
        user = self._user(options["username"])
        for row in AuthToken.objects.filter(user=user).order_by("created"):
            state = "verlopen" if row.expiry and row.expiry < timezone.now() else "geldig"
            self.stdout.write(
                f"{row.token_key}…  uitgegeven {row.created:%Y-%m-%d}  tot {row.expiry:%Y-%m-%d}  {state}"
            )

    def _revoke(self, options) -> None:
        deleted, _ = AuthToken.objects.filter(token_key=options["token_key"]).delete()
        if not deleted:
            raise CommandError(f"Geen token dat begint met {options['token_key']!r}.")
        self.stdout.write(f"Token {options['token_key']}… ingetrokken.")

    def _user(self, username: str):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Geen gebruiker {username!r}.") from None
