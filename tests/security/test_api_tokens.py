"""API tokens for machine clients: stored as a digest, expiring, listed and revoked without showing the token."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from geofence.retention import purge_expired

URL = "/api/v1/bans/"


def issue(username: str, *args) -> str:
    out = StringIO()
    call_command("api_token", "issue", username, *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def lookup_status(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(URL).status_code


def test_an_issued_token_opens_the_api_without_a_second_factor(users):
    assert lookup_status(issue("erin")) == 200


def test_a_token_expires(users, settings):
    token = issue("erin", "--days", "30")
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert lookup_status(token) == 401


def test_tokens_expire_after_the_configured_days_by_default(users, settings):
    row = AuthToken.objects.get(token_key=issue("erin")[:15])
    assert row.expiry == pytest.approx(
        row.created + timedelta(days=settings.API_TOKEN_TTL_DAYS), abs=timedelta(seconds=5)
    )


def test_rotation_keeps_both_tokens_until_the_old_one_is_revoked(users):
    old = issue("erin")
    new = issue("erin")
    assert (lookup_status(old), lookup_status(new)) == (200, 200)
    call_command("api_token", "revoke", old[:15], stdout=StringIO())
    assert (lookup_status(old), lookup_status(new)) == (401, 200)


def test_listing_shows_only_the_start_of_each_token(users):
    token = issue("erin")
    out = StringIO()
    call_command("api_token", "list", "erin", stdout=out)
    assert token[:15] in out.getvalue()
    assert token not in out.getvalue()


def test_revoking_an_unknown_token_is_a_clear_error(users):
    with pytest.raises(CommandError, match="Geen token"):
        call_command("api_token", "revoke", "onbekend", stdout=StringIO())


def test_the_admin_lists_tokens_by_digest_and_revokes_them(users, client):
    token = issue("erin")
    client.force_login(User.objects.create_superuser("beheer", password="password-beheer"))
    page = client.get("/admin/knox/authtoken/").content.decode()
    assert "erin" in page and token not in page
    row = AuthToken.objects.get(token_key=token[:15])
    client.post("/admin/knox/authtoken/", {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert lookup_status(token) == 401


def test_an_expired_token_is_refused_and_deleted(users):
    token = issue("erin", "--days", "1")
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert lookup_status(token) == 401
    assert not AuthToken.objects.filter(token_key=token[:15]).exists()


def test_a_request_does_not_read_the_users_other_tokens(users):
    token = issue("erin")
    for _ in range(30):
        issue("erin")
    with CaptureQueriesContext(connection) as queries:
        assert lookup_status(token) == 200
    by_user = [q["sql"] for q in queries.captured_queries if 'WHERE "knox_authtoken"."user_id" =' in q["sql"]]
    assert by_user == []


def test_the_daily_purge_deletes_expired_tokens_and_keeps_valid_ones(users):
    valid, expiring = issue("erin"), issue("erin", "--days", "1")
    counts = purge_expired(timezone.now() + timedelta(days=2))
    assert counts["api_tokens"] == 1
    assert AuthToken.objects.filter(token_key=valid[:15]).exists()
    assert not AuthToken.objects.filter(token_key=expiring[:15]).exists()


def test_a_request_reads_the_token_its_user_and_the_users_roles_in_one_statement(users):
    token = issue("erin")
    with CaptureQueriesContext(connection) as queries:
        assert lookup_status(token) == 200  # the ban list asks for the user's roles
    reads = [q["sql"] for q in queries.captured_queries if "knox_authtoken" in q["sql"] or "auth_group" in q["sql"]]
    assert len(reads) == 1 and "auth_group" in reads[0], reads


def test_a_token_of_an_inactive_user_or_a_wrong_secret_is_refused(users):
    token = issue("erin")
    assert lookup_status(token[:15] + "0" * (len(token) - 15)) == 401  # the right key, not the secret
    User.objects.filter(username="erin").update(is_active=False)
    assert lookup_status(token) == 401


@pytest.mark.parametrize("groups", [0, 2])
def test_a_users_roles_come_with_the_token_whatever_their_number(users, groups):
    from django.contrib.auth.models import Group

    from registry.roles import Role

    erin = User.objects.get(username="erin")
    erin.groups.clear()
    names = [Role.REGISTRAR.value, Role.SUPERVISOR.value][:groups]
    erin.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in names))
    assert lookup_status(issue("erin")) == (200 if groups else 403)


@pytest.mark.parametrize("presented", ["é" * 80, "Z" * 15 + "\u00ff" * 50])
def test_a_token_that_is_not_utf8_text_is_refused_with_401(users, presented):
    assert lookup_status(presented) == 401
