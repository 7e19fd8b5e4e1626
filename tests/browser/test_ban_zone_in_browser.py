"""A registrar draws a ban's zone on the map in headless Chromium and finds the ban in the officer lookup.

Two bans for one invented subject: a circle (the form's 5 km default) with a night-time window on
weekdays, and a polygon clicked corner by corner. No tile server is configured: the map has a plain
background, as in CI. Every CSP violation on the way fails the test.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from registry import services
from registry.lookup.wording import windows_text
from registry.models import Authority, Ban, BanKind, LegalBasis, ZoneShape
from tests.browser.test_csp_in_browser import WATCH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 1000}
WEEKDAY_NIGHTS = [{"days": [0, 1, 2, 3, 4], "start": "22:00", "end": "06:00"}]


@pytest.fixture
def decision(users):
    person = services.create_person(
        user=users["alice"], given_names="Teun", surname="Tekenproef", date_of_birth=date(1990, 2, 3)
    )
    return services.create_decision(
        user=users["alice"],
        person=person,
        authority=Authority.COURT,
        legal_basis=LegalBasis.SCHORSING_VOORLOPIGE_HECHTENIS,
        reference="KAART/0001",
        decision_date=date(2026, 1, 5),
    )


def open_add_form(page, base: str, decision) -> None:
    page.goto(f"{base}/admin/registry/ban/add/?decision={decision.pk}&person={decision.person_id}&kind=area")
    yesterday = timezone.localdate() - timedelta(days=1)
    page.fill("#id_valid_from_0", yesterday.isoformat())
    page.fill("#id_valid_from_1", "00:00:00")
    page.wait_for_selector(".zone-canvas.leaflet-container")


def click_map(page, dx: float, dy: float) -> None:
    """Click the map at a fraction of its size from its top-left corner."""
    box = page.locator(".zone-canvas").bounding_box()
    page.locator(".zone-canvas").click(position={"x": box["width"] * dx, "y": box["height"] * dy})


def save(page) -> None:
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist li.success")


def test_registrar_draws_circle_and_polygon_and_finds_them_in_the_lookup(
    browser, sign_in, live_server, users, decision, screenshot_dir
):
    base = live_server.url
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.add_init_script(WATCH)
    page = context.new_page()
    sign_in(page, base, "alice")
    assert page.url == base + "/registratie/"  # the registrar lands on the desk
    page.screenshot(path=str(screenshot_dir / "registrar-desk.png"), full_page=True)

    # A circle: one click on its centre; the radius field fills with the 5 km default. Then a night window.
    open_add_form(page, base, decision)
    page.click("[data-tool=circle]")
    click_map(page, 0.5, 0.5)
    assert page.input_value("#id_radius_m") == "5000"
    assert page.input_value("#id_zone_shape") == "circle"
    assert page.locator(".zone-canvas path.zone-drawn").count() == 1
    page.select_option("select[name=time_windows-days] >> nth=0", label="maandag t/m vrijdag")
    page.fill("input[name=time_windows-start] >> nth=0", "22:00")
    page.fill("input[name=time_windows-end] >> nth=0", "06:00")
    page.fill("#id_zone_description", "5 km rond woning (getekend)")
    page.locator(".zone-editor").screenshot(path=str(screenshot_dir / "ban-zone-circle.png"))
    save(page)

    # A polygon: four corners clicked, then finished.
    open_add_form(page, base, decision)
    page.click("[data-tool=polygon]")
    for dx, dy in [(0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7)]:
        click_map(page, dx, dy)
    page.click("[data-tool=finish]")
    assert page.input_value("#id_zone_shape") == "polygon"
    page.fill("#id_zone_description", "gemeente (getekend)")
    page.locator(".zone-editor").screenshot(path=str(screenshot_dir / "ban-zone-polygon.png"))
    save(page)

    circle, square = Ban.objects.filter(decision=decision).order_by("id")
    assert (circle.kind, circle.zone_shape, circle.radius_m) == (BanKind.AREA, ZoneShape.CIRCLE, 5000)
    assert circle.time_windows == WEEKDAY_NIGHTS
    ring = square.zone_geojson["coordinates"][0]
    assert square.zone_shape == ZoneShape.POLYGON and len(ring) == 5 and ring[0] == ring[-1]
    # The polygon's corners are around the map's centre, where the circle's centre was clicked.
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    assert min(lons) < circle.centre_lon < max(lons) and min(lats) < circle.centre_lat < max(lats)

    # The lookup finds both bans, each with its zone on a map, the circle's hours in words.
    page.goto(base + "/politie/")
    page.fill("#id_q", "Tekenproef")
    page.click("form.search button[type=submit]")
    page.wait_for_selector(".zone-map .map.leaflet-container")
    assert page.locator(".zone-map").count() == 2
    assert page.locator(".zone-map .map path").count() >= 2
    forbids = page.locator("p.forbids").all_inner_texts()
    assert any(windows_text(WEEKDAY_NIGHTS) in text for text in forbids), forbids
    page.screenshot(path=str(screenshot_dir / "ban-zone-lookup.png"), full_page=True)
    assert page.evaluate("window.__csp") == []
    context.close()
