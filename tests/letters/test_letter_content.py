"""What a victim letter says, read back from the PDF's text."""

from datetime import datetime

import pytest
import time_machine
from letters_support import AMS, pdf_text

from registry.letters import services
from registry.models import BanKind, LegalBasis

KIND_WORDING = {
    BanKind.CONTACT: [
        "Contactverbod: geen contact met u",
        "mag geen contact met u hebben",
        "Dit geldt voor contact rechtstreeks",
    ],
    BanKind.AREA: ["Locatieverbod (gebiedsverbod)", "mag niet in het gebied komen", "straal van 5 km rond uw woning"],
    BanKind.PRESENCE: ["Locatiegebod", "moet op de tijden hieronder in het beschreven gebied zijn"],
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 3, 4, 10, 0, tzinfo=AMS), tick=False):
        yield


def letter_for(ban, victim, user, language="nl") -> str:
    notices = services.generate_for_ban(ban, user, language)
    (notice,) = [n for n in notices if n.protected_person_id == victim.pk]
    return pdf_text(notice.pdf)


@pytest.mark.parametrize("kind", list(BanKind))
def test_letter_states_kind_police_number_dates_dut_and_reference(kind, make_ban, victim, users, settings):
    settings.POLICE_PHONE_NUMBER = "0900-1234567"
    ban = make_ban(kind=kind, victims=[victim], dut=True)

    text = letter_for(ban, victim, users["alice"])

    for phrase in KIND_WORDING[kind]:
        assert phrase in text
    assert "Meld dit bij de politie: 0900-1234567" in text
    assert "Bel dan meteen 112" in text
    assert "Geldig vanaf: 3 maart 2026, 00:00" in text
    assert "Geldig tot: 1 juni 2026, 00:00" in text
    assert "Dadelijk uitvoerbaar (DUT): ja" in text
    assert f"Kenmerk: {ban.decision.reference}" in text
    assert "Geachte Anouk Verhoeven," in text
    assert "Opgelegd aan: Kees Brandsma" in text


def test_letter_without_dut_says_so(make_ban, victim, users):
    text = letter_for(make_ban(victims=[victim], dut=False), victim, users["alice"])
    assert "Dadelijk uitvoerbaar (DUT): nee" in text


def test_open_ended_ban_says_until_further_notice(make_ban, victim, users):
    text = letter_for(make_ban(victims=[victim], valid_until=None), victim, users["alice"])
    assert "Geldig tot: tot nader order" in text


def test_validity_is_shown_in_amsterdam_time(make_ban, victim, users):
    # 22:00 UTC on 30 June is midnight in Amsterdam (summer time).
    ban = make_ban(victims=[victim], valid_until=datetime.fromisoformat("2026-06-30T22:00:00+00:00"))
    assert "Geldig tot: 1 juli 2026, 00:00" in letter_for(ban, victim, users["alice"])


def test_letter_never_names_other_protected_persons(make_ban, victim, second_victim, users):
    ban = make_ban(kind=BanKind.CONTACT, victims=[victim, second_victim])

    text = letter_for(ban, victim, users["alice"])
    other = letter_for(ban, second_victim, users["alice"])

    assert "Anouk" in text and "Verhoeven" in text
    for word in ("Mirjam", "Oosterveld", "Beukendreef", "Zeist"):
        assert word not in text
    assert "Mirjam van Oosterveld" in other
    for word in ("Anouk", "Verhoeven", "Lindelaan", "Utrecht"):
        assert word not in other


def test_zone_around_another_victims_home_is_not_located(make_ban, victim, second_victim, users):
    # The zone is centred on Anouk's home; Mirjam lives elsewhere and must not learn where.
    ban = make_ban(victims=[victim, second_victim], zone_description="Rond Lindelaan 14")

    text = letter_for(ban, second_victim, users["alice"])

    assert "om privacyredenen niet in deze brief" in text
    assert "Lindelaan" not in text
    assert "52.09" not in text


def test_zone_elsewhere_is_given_as_a_point(make_ban, victim, users):
    ban = make_ban(victims=[victim], centre_lat=52.3731, centre_lon=4.8922, radius_m=2500)
    text = letter_for(ban, victim, users["alice"])
    assert "straal van 2,5 km rond het punt 52.37310 N, 4.89220 O" in text


def test_polygon_zone_is_described_in_words(make_ban, victim, users):
    square = {
        "type": "Polygon",
        "coordinates": [[[5.10, 52.08], [5.14, 52.08], [5.14, 52.10], [5.10, 52.10], [5.10, 52.08]]],
    }
    ban = make_ban(victims=[victim], zone_shape="polygon", zone_geojson=square, zone_description="de binnenstad")
    assert "Het gebied: de binnenstad." in letter_for(ban, victim, users["alice"])


def test_time_windows_are_spelled_out(make_ban, victim, users):
    windows = [{"days": [0, 1, 2, 3, 4], "start": "22:00", "end": "06:00"}]
    ban = make_ban(kind=BanKind.PRESENCE, victims=[victim], time_windows=windows)
    text = letter_for(ban, victim, users["alice"])
    assert "Dit geldt in de nacht na maandag tot en met vrijdag van 22:00 tot 06:00." in text


def test_arrest_is_mentioned_only_for_a_behavioural_order(make_ban, victim, users):
    order = letter_for(make_ban(victims=[victim]), victim, users["alice"])
    condition = letter_for(make_ban(victims=[victim], basis=LegalBasis.BIJZONDERE_VOORWAARDE), victim, users["alice"])
    assert "de politie kan direct aanhouden" in order
    assert "de politie kan direct aanhouden" not in condition
    assert "bijzondere voorwaarde voorwaardelijke straf (art. 14c Sr)" in condition


def test_english_letter(make_ban, victim, users, settings):
    settings.POLICE_PHONE_NUMBER = "0900-1234567"
    ban = make_ban(kind=BanKind.AREA, victims=[victim], dut=True)

    text = letter_for(ban, victim, users["alice"], language="en")

    assert "Dear Anouk Verhoeven," in text
    assert "report it to the police: 0900-1234567" in text
    assert "call 112" in text
    assert "Valid from: 3 March 2026, 00:00" in text
    assert "Immediately enforceable (DUT): yes" in text
    assert "area ban" in text
    assert "Geachte" not in text


def test_generated_letter_is_audited(make_ban, victim, users):
    from registry.models import AuditEntry

    ban = make_ban(victims=[victim])
    (notice,) = services.generate_for_ban(ban, users["carol"])
    entry = AuditEntry.objects.get(action="letter.generated")
    assert (entry.actor_name, entry.target_id, entry.person_ids) == ("carol", str(notice.pk), [ban.person_id])
