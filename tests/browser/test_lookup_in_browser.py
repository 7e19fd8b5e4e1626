"""The officer's phone in headless Chromium: search by POST, the zone on a map, and "where am I?" in the browser.

The phone is 390x844; its position is Playwright's mocked geolocation, so the
answer is read as an officer would read it. The position never leaves the
browser: the test records every request the page makes after the answer.
"""

import pytest
from pyproj import Geod

from geofence.testing import HOME, make_ban, make_person
from registry.lookup.zones import zone_for_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
GEOD = Geod(ellps="WGS84")


@pytest.fixture
def area_ban(users):
    """A 5 km area ban around an invented victim's home; the officer sees it as inner and outer rings."""
    person = make_person()
    ban = make_ban(person, centre=HOME, radius_m=5000)
    return ban


def point_from(lat: float, lon: float, distance_m: float, bearing: float = 0.0) -> dict:
    lon2, lat2, _ = GEOD.fwd(lon, lat, bearing, distance_m)
    return {"latitude": lat2, "longitude": lon2, "accuracy": 10}


@pytest.fixture
def phone(browser, live_server, area_ban):
    context = browser.new_context(
        viewport=PHONE,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        permissions=["geolocation"],
        geolocation={"latitude": HOME[0], "longitude": HOME[1], "accuracy": 10},
    )
    page = context.new_page()
    page.goto(live_server.url + "/politie/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", "password-bob")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/politie/")
    yield context, page
    context.close()


def search(page, base: str, text: str) -> None:
    page.fill("#id_q", text)
    page.click("form.search button[type=submit]")
    page.wait_for_selector(".zone-map .where button:not([hidden])")
    assert page.url.startswith(base + "/politie/?r=")


def where_am_i(page) -> str:
    # The click sets the answer to "busy" at once; wait for the verdict (a CSS selector: the CSP forbids eval).
    page.click(".zone-map .where button")
    page.wait_for_selector(".where-answer:is([data-state=inside], [data-state=outside], [data-state=uncertain])")
    return page.inner_text(".where-answer")


def test_zone_is_drawn_and_where_am_i_answers_inside_outside_uncertain(phone, live_server, area_ban, screenshot_dir):
    context, page = phone
    base = live_server.url
    search(page, base, area_ban.person.surname)
    zone = zone_for_officer(area_ban)
    centre = zone["circle"]["centre"]

    # Both rings are drawn by Leaflet as SVG paths inside the map.
    assert page.locator(".zone-map .map path.zone-outer").count() == 1
    assert page.locator(".zone-map .map path.zone-inner").count() == 1
    sent = []
    page.on("request", lambda request: sent.append(request.url))

    context.set_geolocation(point_from(centre["lat"], centre["lon"], 0))
    assert where_am_i(page).startswith("U bent BINNEN de zone.")

    context.set_geolocation(point_from(centre["lat"], centre["lon"], zone["outer_radius_m"] + 3000, 90))
    assert where_am_i(page).startswith("U bent BUITEN de zone.")

    context.set_geolocation(point_from(centre["lat"], centre["lon"], zone["circle"]["radius_m"], 200))
    assert where_am_i(page).startswith("Onzeker: mogelijk in de zone.")

    page.screenshot(path=str(screenshot_dir / "lookup-where-am-i-phone.png"), full_page=True)
    assert sent == [], "the position must stay in the browser"


def test_page_fits_the_phone_and_has_logout(phone, live_server, area_ban):
    _context, page = phone
    search(page, live_server.url, area_ban.person.surname)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert page.locator("header form.logout button").is_visible()
    page.click("header form.logout button")
    page.wait_for_url("**/accounts/login/**")
    page.goto(live_server.url + "/politie/")
    assert "/accounts/login/" in page.url
