"""Vendor keys: issued, rotated and revoked by command and in the admin; rotation leaves no gap in the feed."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from geofence.models import Fix, VendorApiKey
from geofence.testing import fix, make_device, make_vendor

URL = "/api/v1/feeds/positions"


def post_fix(key: str, device, minute: int) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    at = timezone.now() - timedelta(minutes=60 - minute)
    return client.post(URL, {"fixes": [fix(device, at, 52.0, 5.0)]}, format="json").status_code


def command(*args) -> str:
    out = StringIO()
    call_command("vendor_key", *args, stdout=out)
    return out.getvalue()


def shown_key(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_rotating_a_vendor_key_leaves_no_gap_in_the_feed(db):
    vendor, old = make_vendor("draaisleutel")
    device = make_device(vendor, "ROT-1")
    assert post_fix(old, device, 0) == 202
    new = shown_key(command("rotate", old.split(".")[0]))
    # The vendor switches over when it likes: both keys work meanwhile.
    assert [post_fix(old, device, 1), post_fix(new, device, 2), post_fix(old, device, 3)] == [202, 202, 202]
    command("revoke", old.split(".")[0])
    assert post_fix(old, device, 4) == 401
    assert post_fix(new, device, 5) == 202
    assert Fix.objects.filter(device=device).count() == 5


def test_the_old_key_stops_working_when_its_grace_period_ends(db):
    vendor, old = make_vendor("verloopt")
    device = make_device(vendor, "ROT-2")
    new = shown_key(command("rotate", old.split(".")[0], "--grace-hours", "24"))
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert post_fix(old, device, 0) == 401
        assert post_fix(new, device, 1) == 202


def test_issue_shows_the_key_once_and_stores_only_its_hash(db):
    vendor, _ = make_vendor("nieuw")
    key = shown_key(command("issue", "nieuw", "--name", "platform"))
    row = VendorApiKey.objects.get(prefix=key.split(".")[0])
    assert row.vendor == vendor and row.matches(key)
    assert key not in command("list", "nieuw")


def test_unknown_vendor_or_key_is_a_clear_error(db):
    with pytest.raises(CommandError, match="Geen leverancier"):
        command("issue", "bestaat-niet")
    with pytest.raises(CommandError, match="Geen geldige sleutel"):
        command("rotate", "deadbeef")


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("beheer", password="password-beheer"))
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_admin_add_form_issues_a_working_key_and_shows_it_once(admin_client):
    vendor, _ = make_vendor("beheerd")
    device = make_device(vendor, "ADM-1")
    keys = []
    for n in range(2):  # the second one was an IntegrityError (empty prefix twice)
        answer = admin_client.post(
            "/admin/geofence/vendorapikey/add/", {"vendor": vendor.pk, "name": f"sleutel {n}"}, follow=True
        )
        assert answer.status_code == 200
        shown = [m for m in messages_of(answer) if "alleen nu zichtbaar" in m]
        assert len(shown) == 1
        keys.append(shown[0].rsplit(" ", 1)[1])
    assert all(post_fix(key, device, i) == 202 for i, key in enumerate(keys))
    page = admin_client.get("/admin/geofence/vendorapikey/").content.decode()
    assert not any(key in page or key.split(".")[1] in page for key in keys)


def test_the_admin_rotate_and_revoke_actions(admin_client):
    vendor, old = make_vendor("actie")
    device = make_device(vendor, "ADM-2")
    row = VendorApiKey.objects.get(prefix=old.split(".")[0])
    changelist = "/admin/geofence/vendorapikey/"
    answer = admin_client.post(changelist, {"action": "rotate", "_selected_action": [row.pk]}, follow=True)
    new = next(m for m in messages_of(answer) if "alleen nu zichtbaar" in m).rsplit(" ", 1)[1]
    assert post_fix(old, device, 0) == 202 and post_fix(new, device, 1) == 202
    admin_client.post(changelist, {"action": "revoke", "_selected_action": [row.pk]})
    assert post_fix(old, device, 2) == 401 and post_fix(new, device, 3) == 202
