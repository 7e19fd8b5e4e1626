"""Lookups are throttled per user: 429 with Retry-After, and other users are not affected."""

import pytest

URL = "/api/v1/lookup"


@pytest.fixture
def two_per_minute(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"lookup": "2/min"}}


def test_third_lookup_in_a_minute_is_429_with_retry_after(client_for, users, two_per_minute):
    client = client_for("bob")
    assert [client.get(URL, {"q": "Vries"}).status_code for _ in range(2)] == [200, 200]
    response = client.get(URL, {"q": "Vries"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60


def test_throttle_counts_per_user(client_for, users, two_per_minute):
    for _ in range(3):
        client_for("bob").get(URL, {"q": "Vries"})
    assert client_for("erin").get(URL, {"q": "Vries"}).status_code == 200


def test_page_shares_the_api_budget(client, users, two_per_minute):
    client.force_login(users["bob"])
    assert client.post("/politie/", {"q": "Vries"}).status_code == 302
    assert client.post("/politie/", {"q": "Vries"}).status_code == 302
    response = client.post("/politie/", {"q": "Vries"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
