"""The registrar's screen: the admin list of letters, filtered to the overdue ones."""

from datetime import datetime, timedelta

import time_machine
from letters_support import AMS

from registry.letters import services

CREATED = datetime(2026, 3, 4, 10, 0, tzinfo=AMS)


def registrar_in_admin(users, client):
    alice = users["alice"]
    alice.is_staff = alice.is_superuser = True
    alice.save()
    client.force_login(alice)
    return client


def test_overdue_filter_lists_only_late_letters(make_ban, victim, second_victim, users, client):
    with time_machine.travel(CREATED, tick=False):
        late = make_ban(victims=[victim])
    with time_machine.travel(CREATED + timedelta(days=3), tick=False):
        fresh = make_ban(victims=[second_victim])
        page = registrar_in_admin(users, client).get("/admin/letters/victimnotice/?overdue=yes")
    assert page.status_code == 200
    assert late.decision.reference in page.content.decode()
    assert fresh.decision.reference not in page.content.decode()


def test_admin_download_is_audited(make_ban, victim, users, client):
    from registry.models import AuditEntry

    with time_machine.travel(CREATED, tick=False):
        (notice,) = services.generate_for_ban(make_ban(victims=[victim]), users["alice"])
        response = registrar_in_admin(users, client).get(f"/admin/letters/victimnotice/{notice.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(action="letter.downloaded", target_id=str(notice.pk)).exists()
