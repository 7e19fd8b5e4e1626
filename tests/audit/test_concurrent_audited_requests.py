"""Officers looking people up at the same moment: every lookup answered and traced, the chain unbroken."""

import json
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from urllib.parse import urlsplit

import pytest
from knox.models import AuthToken

from registry.models import AuditEntry

OFFICERS = 8
LOOKUPS_EACH = 6


def lookup(url: str, token: str) -> int:
    server = urlsplit(url)
    connection = HTTPConnection(server.hostname, server.port, timeout=30)
    try:
        body = json.dumps({"q": "Bartel Bedacht"})
        headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}
        connection.request("POST", "/api/v1/lookup", body, headers)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_lookups_through_the_server_are_all_answered_and_sealed_in_one_chain(
    live_server, users, bound_person
):
    tokens = [AuthToken.objects.create(user=users["bob"])[1] for _ in range(OFFICERS)]
    with ThreadPoolExecutor(OFFICERS) as pool:
        statuses = list(pool.map(lambda token: lookup(live_server.url, token), tokens * LOOKUPS_EACH))

    assert statuses == [200] * (OFFICERS * LOOKUPS_EACH)
    AuditEntry.objects.seal_pending()
    lookups = AuditEntry.objects.filter(action="lookup")
    assert lookups.count() == OFFICERS * LOOKUPS_EACH
    assert AuditEntry.objects.first_break() == (None, AuditEntry.objects.count())
