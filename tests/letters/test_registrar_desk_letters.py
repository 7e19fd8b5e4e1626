"""The registrar's desk at /registratie/ lists the victim letters to send, overdue ones marked late."""

from datetime import datetime, timedelta

import time_machine
from letters_support import AMS

CREATED = datetime(2026, 3, 4, 10, 0, tzinfo=AMS)


def desk(client, user) -> str:
    client.force_login(user)
    response = client.get("/registratie/")
    assert response.status_code == 200
    return response.content.decode()


def test_overdue_letter_is_listed_with_its_reference_and_recipient(make_ban, victim, client, users):
    with time_machine.travel(CREATED, tick=False):
        ban = make_ban(victims=[victim])
    with time_machine.travel(CREATED + timedelta(days=3), tick=False):
        html = desk(client, users["alice"])
    assert ban.decision.reference in html
    assert "Anouk Verhoeven" in html


def test_letter_not_yet_overdue_is_listed_as_upcoming(make_ban, victim, client, users):
    with time_machine.travel(CREATED, tick=False):
        ban = make_ban(victims=[victim])
    with time_machine.travel(CREATED + timedelta(days=2), tick=False):
        html = desk(client, users["alice"])
    row = html[html.index('id="letters"') :].split(ban.decision.reference)[0].rsplit("<tr ", 1)[1]
    assert row.startswith('class="upcoming"')
    assert "07-03-2026 10:00" in row  # three days after falling due
