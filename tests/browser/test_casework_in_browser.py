"""In headless Chromium at 1440×900: the handler's casework on an incident, the handover and the statistics."""

from datetime import timedelta

import pytest
from django.utils import timezone

from geofence.alerts.models import AlertOutbox
from geofence.models import Fix, Incident, IncidentEvent, IncidentType
from geofence.monitor.models import ChecklistTick, HandoverNote, VictimContact
from geofence.testing import HOME, make_ban, make_device, make_protected, make_vendor
from registry.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def incident(users):
    """An open zone violation about an invented subject, with a victim whose phone is on file."""
    victim = make_protected()
    victim.phone = "06 9876 5432"
    victim.save()
    ban = make_ban(protected=[victim])
    vendor, _key = make_vendor("enkeltrack")
    device = make_device(vendor, "EB-300001", person=ban.person)
    now = timezone.now()
    last = Fix.objects.create(device=device, ts=now, lat=HOME[0] + 0.01, lon=HOME[1], accuracy_m=12, received_at=now)
    return Incident.objects.create(
        type=IncidentType.ZONE_VIOLATION,
        ban=ban,
        person=ban.person,
        protected_person=victim,
        device=device,
        vendor=vendor,
        definite=True,
        opened_at=now,
        last_fix=last,
        priority=1,
        closest_distance_m=1100.0,
    )


def signed_in(browser, sign_in, base: str, username: str, path: str):
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL", timezone_id="Europe/Amsterdam")
    page = context.new_page()
    page.goto(base + path)
    sign_in(page, base, username)
    page.goto(base + path)
    return context, page


def test_handler_reveals_phone_logs_contact_ticks_checklist_and_closes(
    browser, sign_in, live_server, incident, screenshot_dir
):
    base = live_server.url
    context, page = signed_in(browser, sign_in, base, "carol", f"/monitor/incidents/{incident.pk}/")
    page.wait_for_selector("#inc-state.state-open")
    assert "Versie" not in page.inner_text("#inc-facts")
    assert page.inner_text("button[data-action=acknowledge]") == "In behandeling nemen"
    page.wait_for_selector("#victim-refusal:not([hidden])")
    assert page.is_disabled("#reveal-button")

    page.click("button[data-action=acknowledge]")
    page.wait_for_selector("#reveal-button:not([disabled])")
    page.select_option("#reveal-purpose", "call")
    page.click("#reveal-button")
    page.wait_for_selector("#revealed:not([hidden])")
    assert page.inner_text("#revealed-phone") == "06 9876 5432"
    audit = AuditEntry.objects.get(action="incident.victim_phone_revealed")
    assert (audit.actor_name, audit.protected_person_ids) == ("carol", [incident.protected_person_id])

    page.select_option("#contact-result", "warned")
    page.fill("#contact-note", "Veiligheidsadvies gegeven")
    page.click("#contact-form button[type=submit]")
    page.wait_for_selector("#contact-log li[data-result=warned]")
    page.wait_for_selector("#inc-timeline li[data-kind=victim_contact]")
    assert VictimContact.objects.filter(incident=incident, by__username="carol").count() == 1

    page.check("#checklist input[data-item=bel_slachtoffer]")
    page.wait_for_selector("#checklist li.done[data-item=bel_slachtoffer]")
    assert page.inner_text("#checklist-progress") == "(1 van 5 stappen gedaan)"
    assert ChecklistTick.objects.get(incident=incident).by.username == "carol"
    page.screenshot(path=str(screenshot_dir / "casework-1440.png"), full_page=True)

    page.select_option("#close-outcome", "violation_confirmed")
    page.click("form[data-action=close] button[type=submit]")
    page.wait_for_selector("#closure:not([hidden])")
    assert page.inner_text("#closure-outcome") == "overtreding vastgesteld"
    assert page.inner_text("#closure-by") == "carol"
    assert page.is_disabled("#reveal-button")
    page.screenshot(path=str(screenshot_dir / "closed-incident-1440.png"), full_page=True)
    context.close()


def test_handover_note_and_statistics_chart(browser, sign_in, live_server, incident, users, screenshot_dir):
    base = live_server.url
    # One police alert and one take-on after 90 s, so the alerts and waiting charts have a bar each.
    AlertOutbox.objects.create(incident_id=incident.pk, change="opened", message={})
    taken_at = incident.created_at + timedelta(seconds=90)
    IncidentEvent.objects.create(incident=incident, action="acknowledged", at=taken_at, actor=users["carol"])
    context, page = signed_in(browser, sign_in, base, "erin", "/monitor/overdracht/")
    assert page.locator(f'#handover-unacknowledged tr[data-incident-id="{incident.pk}"]').count() == 1
    page.fill("#handover-text", "EB-300001 in de gaten houden; slachtoffer gewaarschuwd.")
    page.click("#handover-form button[type=submit]")
    page.wait_for_selector("#handover-notes li:has-text('EB-300001 in de gaten houden')")
    assert HandoverNote.objects.get().author.username == "erin"
    page.screenshot(path=str(screenshot_dir / "handover-1440.png"), full_page=True)

    page.goto(base + "/monitor/devices/")
    page.wait_for_selector(f'#device-rows td.incident a[href="/monitor/incidents/{incident.pk}/"]')

    page.goto(base + "/monitor/statistiek/")
    assert page.locator("figure[data-chart=uptime] svg rect.bar").count() == 1  # one vendor
    today = timezone.localdate().strftime("%d-%m")
    alerts = page.locator("figure[data-chart=alerts] svg rect.bar title")
    assert alerts.all_text_contents()[-1] == f"{today} · gebiedsverbod overtreden: 1"
    assert "P1 · p50: 1.5 min" in page.locator("figure[data-chart=waits] svg title").all_text_contents()
    assert page.locator("figure[data-chart=false] svg").count() == 0  # nothing closed: no data, no chart
    assert page.get_attribute("#csv-export", "href").startswith("/monitor/statistiek/export.csv?from=")
    page.screenshot(path=str(screenshot_dir / "statistics-1440.png"), full_page=True)
    context.close()
