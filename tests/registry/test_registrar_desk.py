"""The registrar's desk at /registratie/: work due soon or overdue, each link a page the registrar can use."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from geofence.incidents.services import open_incident
from geofence.models import DeviceAssignment, IncidentType
from geofence.reports.services import draft_report, mark_sent
from geofence.testing import make_ban, make_device, make_person, make_protected, make_vendor
from registry.models import BanStatus

LINK = re.compile(r'<main id="main">.*</main>', re.S)
HREF = re.compile(r'href="([^"#]+)"')


def desk_html(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/registratie/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, key: str) -> str:
    return re.search(rf'<section class="panel desk-list" id="{key}">(.*?)</section>', html, re.S).group(1)


def test_letter_due_in_three_days_is_listed_as_upcoming(users):
    ban = make_ban(protected=[make_protected()])
    letters = section(desk_html(users["alice"]), "letters")
    row = re.search(rf'<tr class="(\w+)" data-due="([^"]+)">.*?{ban.decision.reference}', letters, re.S)
    assert row.group(1) == "upcoming"
    due = timezone.datetime.fromisoformat(row.group(2))
    assert timedelta(days=2, hours=23) < due - timezone.now() <= timedelta(days=3)


def test_letter_not_sent_in_three_days_is_late(users):
    ban = make_ban(protected=[make_protected()])
    desk_html(users["alice"])  # the letter falls due now
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        letters = section(desk_html(users["alice"]), "letters")
    assert re.search(rf'<tr class="late"[^>]*>.*?{ban.decision.reference}', letters, re.S)


def test_work_beyond_the_horizon_is_not_listed(users):
    now = timezone.now()
    later = make_ban(valid_from=now + timedelta(days=20), valid_until=now + timedelta(days=60))
    html = desk_html(users["alice"])
    assert later.decision.reference not in section(html, "bans-starting")
    assert later.decision.reference not in section(html, "bans-ending")


@pytest.fixture
def desk_full_of_work(users):
    """One item in every list: a letter, a report to assess, bans starting and ending, a device without wearer."""
    now = timezone.now()
    starting = make_ban(valid_from=now + timedelta(days=2))
    ending = make_ban(valid_from=now - timedelta(days=30), valid_until=now + timedelta(days=3))
    with_letter = make_ban(protected=[make_protected()])
    vendor, _key = make_vendor("desk")
    idle = make_device(vendor, "EM-IDLE")
    worn = make_device(vendor, "EM-WORN", person=ending.person, since=now - timedelta(days=30))
    DeviceAssignment.objects.filter(device=worn).update(valid_until=now - timedelta(days=1))
    incident = open_incident(type=IncidentType.ZONE_VIOLATION, ban=with_letter, person=with_letter.person, at=now)
    with time_machine.travel(now - timedelta(days=10)):
        report, _new = draft_report(incident, users["carol"], "operator_confirmed")
        mark_sent(report, users["carol"])
    return {"bans": [starting, ending, with_letter], "devices": [idle, worn], "report": report}


def test_every_list_shows_its_work(users, desk_full_of_work):
    html = desk_html(users["alice"])
    starting, ending, with_letter = desk_full_of_work["bans"]
    assert starting.decision.reference in section(html, "bans-starting")
    assert ending.decision.reference in section(html, "bans-ending")
    assert with_letter.decision.reference in section(html, "letters")
    assert f"#{desk_full_of_work['report'].pk}" in section(html, "reports")
    devices = section(html, "devices")
    assert "EM-IDLE" in devices and "EM-WORN" in devices


def test_every_desk_link_answers_200_for_the_registrar(users, desk_full_of_work):
    alice = users["alice"]
    assert not alice.is_staff  # the registrar's role opens the admin pages, not a staff flag
    links = set(HREF.findall(LINK.search(desk_html(alice)).group(0)))
    assert len([link for link in links if "/admin/" in link]) >= 6
    client = Client()
    client.force_login(alice)
    answers = {link: client.get(link).status_code for link in links if not link.startswith("/accounts/")}
    assert answers == dict.fromkeys(answers, 200)


def test_registrar_who_loses_the_role_loses_the_admin(users, client):
    alice = users["alice"]
    client.force_login(alice)
    assert client.get("/admin/registry/ban/").status_code == 200
    alice.groups.clear()
    client.force_login(alice)
    assert client.get("/admin/registry/ban/").status_code == 302


def test_desk_links_to_the_import_jobs(users):
    assert f'href="{reverse("registry:import-jobs")}" id="import-link"' in desk_html(users["alice"])


def test_ended_ban_is_not_ending_soon(users):
    now = timezone.now()
    ban = make_ban(person=make_person(), valid_from=now - timedelta(days=9), valid_until=now + timedelta(days=2))
    ban.status = BanStatus.ENDED
    ban.save()
    assert ban.decision.reference not in section(desk_html(users["alice"]), "bans-ending")


@pytest.mark.parametrize(
    "path", ["/admin/auth/user/", "/admin/geofence/vendorapikey/", "/admin/registry/auditentry/", "/admin/alerts/"]
)
def test_registrar_in_the_admin_sees_only_the_work_of_the_role(users, client, path):
    client.force_login(users["alice"])
    assert client.get(path).status_code in (403, 404)
