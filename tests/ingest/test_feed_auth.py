"""Only a vendor's valid, unrevoked API key opens the feed API."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from geofence.models import Fix, Vendor, VendorApiKey
from geofence.testing import fix, make_device, make_vendor

URL = "/api/v1/feeds/positions"


def _body(device):
    return {"fixes": [fix(device, timezone.now(), 52.0, 5.0)]}


def test_request_without_key_gets_401_with_challenge(feed):
    answer = APIClient().post(URL, _body("EM-1"), format="json")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Api-Key")


def test_wrong_key_gets_401(feed):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {feed.key[:-3]}xyz")
    assert client.post(URL, _body("EM-1"), format="json").status_code == 401


def test_revoked_key_gets_401(feed):
    device = make_device(feed.vendor)
    VendorApiKey.objects.get(vendor=feed.vendor).revoke()
    assert feed.positions([fix(device, timezone.now(), 52.0, 5.0)]).status_code == 401
    assert not Fix.objects.exists()


def test_session_user_with_device_feed_role_is_not_enough(client_for):
    answer = client_for("dave").post(URL, _body("EM-1"), format="json")
    assert answer.status_code in (401, 403)


def test_key_is_stored_only_as_hash(feed):
    row = VendorApiKey.objects.get(vendor=feed.vendor)
    assert feed.key not in (row.key_hash, row.prefix)
    assert row.matches(feed.key) and not row.matches(feed.key + "x")


def test_other_vendors_device_is_rejected_per_item(feed, other_feed):
    mine = make_device(feed.vendor)
    theirs = make_device(other_feed.vendor)
    now = timezone.now()

    answer = feed.positions([fix(mine, now, 52.0, 5.0), fix(theirs, now, 52.0, 5.0)])

    assert answer.status_code == 202
    assert answer.json()["accepted"] == 1
    assert answer.json()["rejected"] == [
        {"index": 1, "reason": "foreign_device", "detail": answer.json()["rejected"][0]["detail"]}
    ]
    assert list(Fix.objects.values_list("device_id", flat=True)) == [mine.pk]


@pytest.mark.django_db
def test_the_key_lookup_finds_exactly_the_usable_keys():
    now = timezone.now()
    states = {
        "usable": {},
        "expiring_later": {"expires_at": now + timedelta(hours=1)},
        "expired": {"expires_at": now - timedelta(seconds=1)},
        "revoked": {"revoked_at": now - timedelta(minutes=5)},
        "vendor_inactive": {},
    }
    rows = {}
    for state, fields in states.items():
        vendor, key = make_vendor(f"auth-{state.replace('_', '-')}")
        if state == "vendor_inactive":
            Vendor.objects.filter(pk=vendor.pk).update(active=False)
        VendorApiKey.objects.filter(vendor=vendor).update(**fields)
        rows[state] = (VendorApiKey.objects.get(vendor=vendor), key)

    usable = set(VendorApiKey.objects.usable(now).values_list("prefix", flat=True))
    for state, (row, key) in rows.items():
        found = VendorApiKey.objects.usable_with_prefix(row.prefix, now)
        assert (found is not None) == (row.prefix in usable), state
        if found is not None:
            assert (found.pk, found.vendor.pk, found.vendor.slug) == (row.pk, row.vendor.pk, row.vendor.slug)
            assert found.matches(key)
    assert {state for state, (row, _key) in rows.items() if row.prefix in usable} == {"usable", "expiring_later"}

    for state, (_row, key) in rows.items():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
        expected = 202 if state in ("usable", "expiring_later") else 401
        assert client.post(URL, {"fixes": []}, format="json").status_code == expected, state
