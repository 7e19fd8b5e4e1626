"""The maps in headless Chromium: the overview of incidents and devices, positions in words, the track replay."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from geofence.incidents import zones
from geofence.models import Fix, Incident, IncidentType
from geofence.monitor.models import BanRegion
from geofence.testing import fix, make_ban, make_device, make_protected, make_vendor, offset
from tests.browser.test_dashboard_in_browser import approach, log_in, post_positions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NORTH = (53.2194, 6.5665)  # an invented street corner in the north


@pytest.fixture(autouse=True)
def in_process_evaluation(eager_celery):
    """Evaluate fixes inside the live server's request (the shared eager_celery fixture)."""


@pytest.fixture
def scene(users, live_server):
    """A subject walking into a 5 km zone in Midden-Nederland, and a second subject's device in the north."""
    vendor, key = make_vendor("enkeltrack")
    ban = make_ban(protected=[make_protected()])
    BanRegion.objects.update_or_create(ban=ban, defaults={"region": "midden-nederland"})
    device = make_device(vendor, "EB-310001", person=ban.person)
    north_ban = make_ban(centre=offset(*NORTH, 20_000, 90), protected=[make_protected(offset(*NORTH, 20_000, 90))])
    BanRegion.objects.update_or_create(ban=north_ban, defaults={"region": "noord-nederland"})
    north_device = make_device(vendor, "EB-310002", person=north_ban.person)
    zones.invalidate()
    post_positions(live_server.url, key, approach(device))
    now = timezone.now() - timedelta(minutes=2)
    post_positions(live_server.url, key, [fix(north_device, now, *NORTH, accuracy_m=12)])
    incident = Incident.objects.get(type=IncidentType.ZONE_VIOLATION)
    return {"incident": incident, "device": device, "north_device": north_device}


def test_overview_map_shows_incidents_and_devices_and_filters_by_region(
    browser, sign_in, live_server, scene, screenshot_dir
):
    base = live_server.url
    # A supervisor sees every region; an operator would see only their own (tests/monitor).
    context, page = log_in(browser, sign_in, base, "erin")
    page.goto(base + "/monitor/map/")
    incident = f'path.incident-point[data-incident-id="{scene["incident"].pk}"]'
    north = 'path.device-point[data-device-id$="EB-310002"]'
    page.wait_for_selector(incident)
    page.wait_for_selector(north)
    assert page.locator('path.device-point[data-device-id$="EB-310001"]').count() == 1
    assert "prio-" in page.get_attribute(incident, "class")
    page.hover(incident)
    assert "van" in page.inner_text(".leaflet-tooltip")  # the place in words
    page.screenshot(path=str(screenshot_dir / "overview-map-1440.png"))

    page.select_option("#map-filters select[name=region]", "noord-nederland")

    page.wait_for_selector(incident, state="detached")
    assert page.locator(north).count() == 1
    assert page.locator('path.device-point[data-device-id$="EB-310001"]').count() == 0
    assert "region=noord-nederland" in page.url
    page.screenshot(path=str(screenshot_dir / "overview-map-filtered-1440.png"))
    context.close()


def test_positions_in_words_copy_and_track_replay(browser, sign_in, live_server, scene, screenshot_dir):
    base = live_server.url
    incident = scene["incident"]
    last = Fix.objects.get(pk=incident.last_fix_id)
    coordinates = f"{last.lat:.5f}, {last.lon:.5f}"
    context, page = log_in(browser, sign_in, base, "carol")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    row = page.wait_for_selector(f'tr[data-incident-id="{incident.pk}"] td.position')
    assert coordinates in row.inner_text() and re.search(r"\d (k?m) [NOZW]{1,2} van \w", row.inner_text())

    page.goto(f"{base}/monitor/incidents/{incident.pk}/")
    page.wait_for_selector("#inc-position:not([hidden])")
    assert page.inner_text("#inc-position-coordinates") == coordinates
    assert re.fullmatch(r"[\d,]+ k?m [NOZW]{1,2} van .+", page.inner_text("#inc-position-place"))
    page.click("#inc-position-copy")
    page.wait_for_selector("#inc-position-copy[data-copied]")
    assert page.evaluate("navigator.clipboard.readText()") == coordinates

    page.wait_for_selector("#replay:not([hidden])")
    page.wait_for_selector("path.replay-marker")
    fixes = list(Fix.objects.filter(device=scene["device"]).order_by("ts"))
    assert page.get_attribute("#replay-slider", "max") == str(len(fixes) - 1)
    assert page.locator("path.replay-enter").count() == 1  # walking in from 6 km: one entry into the 5 km zone
    at_end = page.locator("path.replay-marker").bounding_box()

    page.fill("#replay-slider", "1")

    moved = page.locator("path.replay-marker").bounding_box()
    assert (moved["x"], moved["y"]) != (at_end["x"], at_end["y"])
    assert page.inner_text("#replay-time") == timezone.localtime(fixes[1].ts).strftime("%d-%m %H:%M:%S")
    # 400 m in a minute, no speed from the device: 24 km/h computed from the two fixes.
    assert page.inner_text("#replay-speed") == "24,0 km/u (berekend)"
    assert page.inner_text("#replay-accuracy") == "±30 m"
    page.screenshot(path=str(screenshot_dir / "incident-replay-1440.png"), full_page=True)
    context.close()
