"""In headless Chromium: the board shows waiting times, escalates a waiting P1, and raises undelivered alerts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from geofence.alerts.models import AlertOutbox, AlertStatus
from geofence.models import Incident, IncidentType
from geofence.testing import make_ban
from tests.browser.test_dashboard_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def in_process_delivery(eager_celery):
    """Deliver alerts inside the live server's request (the shared eager_celery fixture)."""


def waiting_incident(priority: int, opened_s_ago: float, **fields) -> Incident:
    ban = make_ban()
    opened = timezone.now() - timedelta(seconds=opened_s_ago)
    incident = Incident.objects.create(
        type=IncidentType.ZONE_VIOLATION,
        ban=ban,
        person=ban.person,
        priority=priority,
        opened_at=opened,
        definite=True,
        **fields,
    )
    Incident.objects.filter(pk=incident.pk).update(created_at=opened)
    return incident


def test_waiting_p1_shows_its_waiting_time_and_escalates_with_banner_sound_and_supervisor_mark(
    browser, sign_in, live_server, users, settings
):
    settings.MONITOR_ESCALATE_AFTER_SECONDS = 4
    p4 = waiting_incident(priority=4, opened_s_ago=30)
    handled = waiting_incident(priority=1, opened_s_ago=60, state="acknowledged")
    context, board = log_in(browser, sign_in, live_server.url, "carol")
    p1 = waiting_incident(priority=1, opened_s_ago=0)

    row = board.wait_for_selector(f'tr[data-incident-id="{p1.pk}"]')
    assert "is-overdue" not in row.get_attribute("class")
    assert board.locator(f'tr[data-incident-id="{p1.pk}"] td.waiting').inner_text().startswith("0:0")
    assert board.locator(f'tr[data-incident-id="{handled.pk}"] td.waiting').inner_text() == "–"
    beeps_before = int(board.evaluate("document.body.dataset.beeps || 0"))

    board.wait_for_selector(f'tr.is-overdue[data-incident-id="{p1.pk}"]', timeout=8000)

    assert board.is_visible("#overdue-banner")
    assert "(1)" in board.inner_text("#overdue-banner")  # the P4 waits longer but does not escalate
    assert board.locator(f'tr[data-incident-id="{p1.pk}"] .supervisor-mark').count() == 1
    assert int(board.evaluate("document.body.dataset.beeps")) == beeps_before + 1
    assert "is-overdue" not in board.get_attribute(f'tr[data-incident-id="{p4.pk}"]', "class")
    assert board.locator(f'tr[data-incident-id="{p1.pk}"] td.delivery').inner_text() == "geen melding"
    context.close()


def test_undelivered_alert_is_a_banner_with_its_age_and_retry_delivers_it(
    browser, sign_in, live_server, users, settings, tmp_path
):
    settings.POLICE_QUEUE_URL = "redis://127.0.0.1:9/0"  # down
    incident = waiting_incident(priority=2, opened_s_ago=400, state="acknowledged")
    alert = AlertOutbox.objects.create(
        incident_id=incident.pk, change="opened", priority=2, message={"incident": {"id": incident.pk}}, attempts=7
    )
    AlertOutbox.objects.filter(pk=alert.pk).update(created_at=timezone.now() - timedelta(seconds=330))
    context, board = log_in(browser, sign_in, live_server.url, "carol")

    item = board.wait_for_selector(f'#undelivered-banner li[data-alert-id="{alert.alert_id}"]')
    assert board.is_visible("#undelivered-banner")
    assert "5:3" in item.inner_text() and "7 pogingen" in item.inner_text()
    assert board.locator(f'tr[data-incident-id="{incident.pk}"] td.delivery').inner_text() == "niet afgeleverd"

    settings.POLICE_QUEUE_URL = "filesystem://"  # the queue is back
    settings.POLICE_QUEUE_FILESYSTEM_DIR = tmp_path
    item.query_selector('button[data-action="retry"]').click()

    board.wait_for_selector("#undelivered-banner", state="hidden", timeout=8000)
    assert AlertOutbox.objects.get(pk=alert.pk).status == AlertStatus.PUBLISHED
    board.wait_for_function(
        f"document.querySelector('tr[data-incident-id=\"{incident.pk}\"] td.delivery').innerText === 'afgeleverd'"
    )
    context.close()
