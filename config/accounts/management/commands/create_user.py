"""Create a user with a role: `manage.py create_user NAME --role supervisor`."""

import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.roles import Role

ADMIN = "admin"


class Command(BaseCommand):
    help = "Maak een gebruiker met een rol. Het wachtwoord wordt gevraagd, of komt uit --password-from-env."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, action="append", choices=[*(r.value for r in Role), ADMIN])
        parser.add_argument("--email", default="")
        parser.add_argument("--password-from-env", metavar="VARIABLE", help="lees het wachtwoord uit deze variabele")

    def handle(self, *args, **options):
        User = get_user_model()
        username = options["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"Gebruiker {username!r} bestaat al.")
        password = self._password(options)
        try:
            password_validation.validate_password(password, User(username=username))
        except ValidationError as exc:
            raise CommandError("Wachtwoord geweigerd: " + " ".join(exc.messages)) from exc
        roles = options["role"]
        with transaction.atomic():
            user = User.objects.create_user(username, email=options["email"], password=password)
            if ADMIN in roles:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
            for role in set(roles) - {ADMIN}:
                user.groups.add(Group.objects.get_or_create(name=role)[0])
        self.stdout.write(self.style.SUCCESS(f"Gebruiker {username} gemaakt met rol {', '.join(sorted(roles))}."))
        self.stdout.write("Bij de eerste keer inloggen stelt de gebruiker de tweede stap (authenticator-app) in.")

    def _password(self, options) -> str:

        variable = options["password_from_env"]
        if variable:
            password = os.environ.get(variable, "")
            if not password:
                raise CommandError(f"{variable} is leeg of niet gezet.")
            return password
        password = getpass.getpass("Wachtwoord: ")
        if password != getpass.getpass("Nogmaals: "):
            raise CommandError("De wachtwoorden verschillen.")
        return password
