"""Only registrars and operators handle victim letters; supervisors read; police officers never see them."""

from datetime import datetime

import pytest
import time_machine
from letters_support import AMS

from registry.letters import services
from registry.letters.models import Channel


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 3, 4, 10, 0, tzinfo=AMS), tick=False):
        yield


@pytest.fixture
def notice(make_ban, victim, users):
    (notice,) = services.generate_for_ban(make_ban(victims=[victim]), users["alice"])
    return notice


def requests(notice) -> list[tuple[str, str, dict]]:
    return [
        ("get", "/api/v1/letters/", {}),
        ("get", "/api/v1/letters/overdue", {}),
        ("get", f"/api/v1/letters/{notice.pk}/", {}),
        ("get", f"/api/v1/letters/{notice.pk}/pdf", {}),
        ("post", "/api/v1/letters/generate", {"all_due": True}),
        ("post", f"/api/v1/letters/{notice.pk}/sent", {"channel": "post"}),
    ]


def call(client, method, url, body):
    return getattr(client, method)(url, body, format="json") if method == "post" else client.get(url)


@pytest.mark.parametrize("name", ["bob", "dave", "frank"])
def test_police_officers_feeds_and_dispatch_are_refused_everything(notice, client_for, name):
    for method, url, body in requests(notice):
        assert call(client_for(name), method, url, body).status_code == 403, (name, url)


def test_anonymous_is_asked_to_authenticate(notice, client_for):
    for method, url, body in requests(notice):
        assert call(client_for(None), method, url, body).status_code == 401, url


@pytest.mark.parametrize("name", ["alice", "carol"])
def test_registrars_and_operators_may_do_everything(notice, client_for, name):
    for method, url, body in requests(notice):
        assert call(client_for(name), method, url, body).status_code == 200, (name, url)


def test_supervisor_reads_but_does_not_write(notice, client_for):
    for method, url, body in requests(notice):
        expected = 200 if method == "get" else 403
        assert call(client_for("erin"), method, url, body).status_code == expected, url


def test_police_officer_cannot_open_the_letter_in_the_admin(notice, users, client):
    bob = users["bob"]
    bob.is_staff = True
    bob.save()
    client.force_login(bob)
    assert client.get(f"/admin/letters/victimnotice/{notice.pk}/pdf/").status_code in (403, 404)


def test_marking_sent_by_a_supervisor_changes_nothing(notice, client_for):
    client_for("erin").post(f"/api/v1/letters/{notice.pk}/sent", {"channel": Channel.POST}, format="json")
    notice.refresh_from_db()
    assert (notice.sent_on, notice.status) == (None, "generated")
