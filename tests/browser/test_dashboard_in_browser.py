"""End to end in headless Chromium: a violating fix reaches the board live, the operator acts, others see it."""

import json
import time
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone

from geofence.incidents import zones
from geofence.models import Incident, IncidentType
from geofence.testing import HOME, fix, make_ban, make_device, make_protected, make_vendor, offset
from registry.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def in_process_evaluation(eager_celery):
    """Evaluate fixes inside the live server's request (the shared eager_celery fixture)."""


@pytest.fixture
def scene(users):
    """An area ban of 5 km around an invented victim's home and the subject's ankle monitor."""
    ban = make_ban(protected=[make_protected()])
    vendor, key = make_vendor("enkeltrack")
    device = make_device(vendor, "EB-204518", person=ban.person)
    zones.invalidate()
    return {"ban": ban, "key": key, "device": device}


def post_positions(base_url: str, key: str, fixes: list[dict]) -> dict:
    request = urllib.request.Request(  # noqa: S310 (http to the test's own live server)
        base_url + "/api/v1/feeds/positions",
        data=json.dumps({"fixes": fixes}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Api-Key {key}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 202
        return json.loads(response.read())


def approach(device, minutes_ago: int = 6) -> list[dict]:
    """Return fixes walking in from 6 km to 4.2 km from the home: the last three are inside the 5 km zone."""
    start = timezone.now() - timedelta(minutes=minutes_ago)
    distances = [6000, 5600, 5200, 4900, 4600, 4200]
    return [
        fix(device, start + timedelta(minutes=i), *offset(*HOME, d, bearing_deg=300), accuracy_m=25 + 5 * i)
        for i, d in enumerate(distances)
    ]


def log_in(browser, sign_in, base_url: str, username: str, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="nl-NL", timezone_id="Europe/Amsterdam")
    page = context.new_page()
    page.goto(base_url + "/monitor/")
    assert "/accounts/login/" in page.url
    sign_in(page, base_url, username)
    page.wait_for_url(base_url + "/monitor/")
    page.wait_for_selector("#live-state[data-state=live]")
    return context, page


def test_violation_appears_live_and_operator_acknowledges_it(browser, sign_in, live_server, scene, screenshot_dir):
    base = live_server.url
    carol_context, board = log_in(browser, sign_in, base, "carol")
    assert board.locator("#incident-rows tr").count() == 0

    answer = post_positions(base, scene["key"], approach(scene["device"]))
    answered_at = time.monotonic()
    assert answer["accepted"] == 6
    incident = Incident.objects.get(type=IncidentType.ZONE_VIOLATION)
    remaining_ms = 2000 - (time.monotonic() - answered_at) * 1000
    row = board.wait_for_selector(f'tr[data-incident-id="{incident.pk}"]', timeout=max(remaining_ms, 1))
    assert "is-new" in row.get_attribute("class")
    assert board.is_visible("#new-banner")
    assert board.evaluate("document.body.dataset.beeps") == "1"
    assert scene["ban"].person.full_name in row.inner_text()
    board.screenshot(path=str(screenshot_dir / "board-1440.png"), full_page=True)
    board.set_viewport_size(PHONE)
    board.screenshot(path=str(screenshot_dir / "board-390.png"), full_page=True)
    board.set_viewport_size(DESKTOP)

    board.click(f'tr[data-incident-id="{incident.pk}"] a')
    board.wait_for_url(f"{base}/monitor/incidents/{incident.pk}/")
    page = board
    page.wait_for_selector(".leaflet-overlay-pane path.zone-path")
    assert page.locator("path.track-path").count() == 1
    assert page.locator("path.accuracy-path").count() == 6
    assert page.locator("path.last-fix-point").count() == 1
    assert page.locator("path.protected-point").count() == 1
    assert page.locator(".leaflet-control-scale").count() == 1
    page.wait_for_selector("#inc-deliveries li.delivery")
    page.screenshot(path=str(screenshot_dir / "incident-1440.png"))
    page.set_viewport_size(PHONE)
    page.reload()  # the map fits its contents when it loads, as it would on a phone
    page.wait_for_selector("path.last-fix-point")
    page.screenshot(path=str(screenshot_dir / "incident-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.reload()
    page.wait_for_selector("#inc-state.state-open")

    # A supervisor watches the same incident in a second browser session.
    erin_context, watcher = log_in(browser, sign_in, base, "erin")
    watcher.goto(f"{base}/monitor/incidents/{incident.pk}/")
    watcher.wait_for_selector("#inc-state.state-open")

    page.click("button[data-action=acknowledge]")
    page.wait_for_selector("#inc-state.state-acknowledged")

    watcher.wait_for_selector("#inc-state.state-acknowledged", timeout=5000)
    assert "carol" in watcher.inner_text("#change-notice")
    assert "carol" in watcher.inner_text("#inc-timeline")
    entry = AuditEntry.objects.get(action="incident.acknowledged")
    assert (entry.actor_name, entry.target_id) == ("carol", str(incident.pk))
    carol_context.close()
    erin_context.close()


def test_stale_action_in_the_browser_is_refused_with_a_clear_message(browser, sign_in, live_server, scene):
    base = live_server.url
    post_positions(base, scene["key"], approach(scene["device"]))
    incident = Incident.objects.get(type=IncidentType.ZONE_VIOLATION)
    erin_context, stale_page = log_in(browser, sign_in, base, "erin")
    stale_page.goto(f"{base}/monitor/incidents/{incident.pk}/")
    stale_page.wait_for_selector("#inc-state.state-open")
    # This page misses the updates from now on, as after a network hiccup.
    stale_page.route(f"{base}/monitor/api/incidents/{incident.pk}/", lambda route: route.abort())

    carol_context, page = log_in(browser, sign_in, base, "carol")
    page.goto(f"{base}/monitor/incidents/{incident.pk}/")
    page.wait_for_selector("#inc-state.state-open")
    page.click("button[data-action=acknowledge]")
    page.wait_for_selector("#inc-state.state-acknowledged")

    stale_page.fill("#note-text", "Slachtoffer gebeld, neemt niet op.")
    stale_page.click("form[data-action=note] button[type=submit]")
    stale_page.wait_for_selector("#action-error:not([hidden])")
    assert stale_page.inner_text("#action-error-text") == (
        "Dit incident is intussen gewijzigd door carol; ververs de pagina."
    )
    incident.refresh_from_db()
    assert incident.version == 2
    assert not incident.timeline.filter(action="note").exists()
    erin_context.close()
    carol_context.close()
