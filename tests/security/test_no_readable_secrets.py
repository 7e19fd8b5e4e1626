"""No API token, vendor key or recovery code is stored in readable form: every table is read and searched."""

from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.db import connection

from config import two_factor
from geofence.testing import make_vendor
from tests.security.test_api_tokens import issue
from tests.two_factor import authenticator


def every_stored_value() -> str:
    """Return the text of every row of every table, as a database dump would show it."""
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_no_token_key_or_recovery_code_is_stored_readable(users):
    token = issue("erin")
    _vendor, vendor_key = make_vendor("leesbaar")
    out = StringIO()
    call_command("vendor_key", "issue", "leesbaar", stdout=out)
    issued_key = out.getvalue().strip().splitlines()[-1]
    authenticator(users["carol"])
    codes = two_factor.issue_recovery_codes(users["carol"])
    dump = every_stored_value()
    assert token[:15] in dump  # the part that finds the row is there: the search does read the tables
    secrets = [token, token[15:], *(k.split(".", 1)[1] for k in (vendor_key, issued_key)), *codes]
    assert [s for s in secrets if s in dump] == []
