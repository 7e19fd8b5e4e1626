"""Vendor API keys: only a hash is stored, and the comparison takes the same time wherever the keys differ."""

import hashlib
import hmac
from unittest import mock

import pytest
from rest_framework.test import APIClient

from geofence.models import Vendor, VendorApiKey

URL = "/api/v1/feeds/positions"


@pytest.fixture
def issued(db):
    vendor = Vendor.objects.create(name="Sleutelbos", slug="sleutelbos")
    return VendorApiKey.issue(vendor, "test")


def post_with(key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client.post(URL, {"fixes": []}, format="json")


def test_only_a_hash_of_the_key_is_stored(issued):
    row, key = issued
    prefix, secret = key.split(".", 1)
    stored = VendorApiKey.objects.filter(pk=row.pk).values().get()
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert not any(secret in str(value) for value in stored.values())
    assert stored["prefix"] == prefix


def test_the_key_is_compared_with_compare_digest(issued):
    _row, key = issued
    wrong = key[:-1] + ("A" if key[-1] != "A" else "B")
    with mock.patch("geofence.models.devices.hmac.compare_digest", wraps=hmac.compare_digest) as compare:
        assert post_with(wrong).status_code == 401
        assert post_with(key).status_code == 202
    assert compare.call_count == 2


def test_a_key_with_a_known_prefix_and_a_wrong_secret_is_401(issued):
    _row, key = issued
    assert post_with(key.split(".")[0] + ".geraden").status_code == 401


def test_a_revoked_key_is_401(issued):
    row, key = issued
    row.revoke()
    assert post_with(key).status_code == 401


@pytest.mark.parametrize("header", ["Api-Key", "Api-Key a b", "Api-Key \u00ff\u00fe", "Api-Key " + "x" * 10_000])
def test_malformed_key_headers_are_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.post(URL, {"fixes": []}, format="json").status_code == 401
