"""Every page under its Content-Security-Policy in headless Chromium: no violation, and the dashboard still works."""

import pytest

from geofence.incidents import zones
from geofence.models import Incident, IncidentType
from geofence.testing import make_ban, make_device, make_protected, make_vendor
from tests.browser.test_dashboard_in_browser import approach, post_positions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collect violations from the first script on: a policy that blocks a script shows here, not as a failed assert.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""
# ReDoc shows its maker's logo from a CDN; the policy refuses third-party requests, and that is what it should do.
REFUSED_ON_PURPOSE = ("https://cdn.redoc.ly/",)
PAGES = {
    "carol": ["/monitor/", "/monitor/devices/"],
    "bob": ["/politie/"],
    "alice": ["/registratie/", "/"],
    "erin": ["/admin/", "/admin/registry/ban/", "/admin/registry/ban/add/", "/api/docs/", "/api/redoc/"],
}


@pytest.fixture(autouse=True)
def in_process_evaluation(eager_celery):
    """Evaluate fixes inside the live server's request."""


@pytest.fixture
def superuser_erin(users):
    users["erin"].is_staff = users["erin"].is_superuser = True
    users["erin"].save()


class Watched:
    """A logged-in browser page that records CSP violations and console errors about the policy."""

    def __init__(self, browser, sign_in, base: str, username: str):
        self.context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam")
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", self._console)
        self.base = base
        self.visit("/accounts/login/")
        sign_in(self.page, base, username)
        self.page.wait_for_load_state("networkidle")

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def visit(self, path: str):
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def violations(self) -> list[str]:
        found = self.page.evaluate("window.__csp") + self.console
        return [v for v in found if not any(allowed in v for allowed in REFUSED_ON_PURPOSE)]


@pytest.mark.parametrize("username", sorted(PAGES))
def test_pages_load_without_a_policy_violation(browser, sign_in, live_server, superuser_erin, username):
    watched = Watched(browser, sign_in, live_server.url, username)
    try:
        assert watched.violations() == [], "login page"
        for path in PAGES[username]:
            response = watched.visit(path)
            assert response.status == 200, path
            assert "content-security-policy" in response.headers, path  # Playwright lowercases names
            assert watched.violations() == [], path
    finally:
        watched.context.close()


def test_api_docs_render_under_their_policy(browser, sign_in, live_server, superuser_erin):
    watched = Watched(browser, sign_in, live_server.url, "erin")
    try:
        watched.visit("/api/docs/")
        watched.page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
        watched.visit("/api/redoc/")
        watched.page.wait_for_selector("[role=navigation], .menu-content", timeout=15000)
        assert watched.violations() == []
    finally:
        watched.context.close()


def test_dashboard_polls_and_draws_the_map_under_the_strict_policy(browser, sign_in, live_server, users):
    ban = make_ban(protected=[make_protected()])
    vendor, key = make_vendor("cspvendor")
    device = make_device(vendor, "EB-770001", person=ban.person)
    zones.invalidate()
    watched = Watched(browser, sign_in, live_server.url, "carol")
    try:
        watched.visit("/monitor/")
        page = watched.page
        page.wait_for_selector("#live-state[data-state=live]")
        post_positions(live_server.url, key, approach(device))
        incident = Incident.objects.get(type=IncidentType.ZONE_VIOLATION)
        page.wait_for_selector(f'tr[data-incident-id="{incident.pk}"]', timeout=5000)  # arrived by polling
        page.click(f'tr[data-incident-id="{incident.pk}"] a')
        page.wait_for_selector(".leaflet-overlay-pane path.zone-path")
        assert page.locator("path.track-path").count() == 1
        page.click("button[data-action=acknowledge]")
        page.wait_for_selector("#inc-state.state-acknowledged")
        assert watched.violations() == []
    finally:
        watched.context.close()


def test_an_inline_script_would_be_reported(browser, sign_in, live_server, users):
    """The watcher works: a script injected inline is blocked and recorded."""
    watched = Watched(browser, sign_in, live_server.url, "carol")
    try:
        watched.visit("/monitor/")
        watched.page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; "
            "document.body.appendChild(s); }"
        )
        watched.page.wait_for_function("window.__csp.length > 0")
        assert watched.page.evaluate("window.x") is None
        assert "script-src" in watched.violations()[0]
    finally:
        watched.context.close()
