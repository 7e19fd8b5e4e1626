"""The texts per legal basis: lookup, alert, victim letter and OM report all say what the rule table says."""

from datetime import date
from io import BytesIO

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from geofence.alerts.message import build_alert_message, enforcement_block
from geofence.models import Incident, IncidentType
from geofence.reports.facts import build_facts
from geofence.reports.pdf import render_report
from registry.enforcement import EnforcementCode, basis_enforcement, enforcement, enforcement_code
from registry.letters.letter import build_letter
from registry.models import BanKind, LegalBasis
from registry.models.legal import RULES

# What each basis leads to after a violation, in words a Dutch officer, prosecutor or probation worker checks.
ROUTES = {
    LegalBasis.GEDRAGSAANWIJZING: ("art. 184a Sr", "vervolgen"),
    LegalBasis.STRAFBESCHIKKING: (None, "strafbeschikking"),
    LegalBasis.BIJZONDERE_VOORWAARDE: (None, "vordering tenuitvoerlegging"),
    LegalBasis.VOORWAARDELIJKE_INVRIJHEIDSTELLING: (None, "herroepen"),
    LegalBasis.VRIJHEIDSBEPERKENDE_MAATREGEL: (None, "vervangende hechtenis"),
    LegalBasis.SCHORSING_VOORLOPIGE_HECHTENIS: (None, "schorsing van de voorlopige hechtenis op te heffen"),
    LegalBasis.TIJDELIJK_HUISVERBOD: ("art. 285c Sr", "vervolgen"),
    LegalBasis.CIVIEL_VERBOD: (None, "dwangsom"),
}
ENGLISH_ROUTES = {
    LegalBasis.GEDRAGSAANWIJZING: "prosecute",
    LegalBasis.STRAFBESCHIKKING: "punishment order",
    LegalBasis.BIJZONDERE_VOORWAARDE: "claim for execution",
    LegalBasis.VOORWAARDELIJKE_INVRIJHEIDSTELLING: "revoke the conditional release",
    LegalBasis.VRIJHEIDSBEPERKENDE_MAATREGEL: "substitute detention",
    LegalBasis.SCHORSING_VOORLOPIGE_HECHTENIS: "lift the suspension",
    LegalBasis.TIJDELIJK_HUISVERBOD: "prosecute",
    LegalBasis.CIVIEL_VERBOD: "penalty payment",
}


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


@pytest.fixture
def person(registry):
    return registry.person("Dirkje", "Vlietstra")


@pytest.fixture
def ban_on(registry, person):
    def make(basis):
        victim = registry.victim()
        ban = registry.ban(person, BanKind.CONTACT, decision=registry.decision(person, basis))
        ban.protected_persons.set([victim])
        return ban

    return make


def test_every_basis_has_a_route():
    assert set(ROUTES) == set(RULES) == set(LegalBasis.values)


@pytest.mark.parametrize("basis", list(ROUTES))
def test_instruction_names_the_offence_or_the_route_of_each_basis(basis):
    article, route = ROUTES[basis]
    found = basis_enforcement(basis, "nl")
    assert found.article == article == RULES[basis].offence_article
    assert found.arrest_possible == (article is not None)
    assert route in found.text and found.text.endswith(found.follow_up)
    assert "Openbaar Ministerie" in found.text or "OM" in found.text
    if article:
        assert found.text.startswith("Aanhouding mogelijk") and article in found.text
    else:
        assert "op zichzelf geen strafbaar feit" in found.text and "op eigen gezag" in found.text


@pytest.mark.parametrize("basis", list(ROUTES))
def test_instruction_is_in_english_too(basis):
    text = basis_enforcement(basis, "en").text
    assert ENGLISH_ROUTES[basis] in text and "Public Prosecution Service" in text
    assert text.startswith("Arrest possible") == (ROUTES[basis][0] is not None)


@pytest.mark.parametrize("basis", list(ROUTES))
def test_lookup_gives_the_rule_table_text(basis, client_for, ban_on):
    ban_on(basis)
    found = client_for("bob").get("/api/v1/lookup", {"q": "Vlietstra"}).json()["results"][0]["bans"][0]
    expected = basis_enforcement(basis, "nl")
    assert found["enforcement"] == {"code": expected.code.value, "text": expected.text}


@pytest.mark.parametrize("basis", list(ROUTES))
def test_alert_enforcement_block_gives_the_rule_table_text(basis, ban_on):
    ban = ban_on(basis)
    incident = Incident.objects.create(
        type=IncidentType.ZONE_VIOLATION, ban=ban, person=ban.person, opened_at=timezone.now()
    )
    block = build_alert_message(incident, "opened")["enforcement"]
    expected = basis_enforcement(basis, "nl")
    assert block == {
        "arrest_possible": expected.arrest_possible,
        "legal_article": RULES[basis].offence_article,
        "report_to_om": True,
        "instruction": expected.text,
    }
    with translation.override("nl"):
        assert enforcement_block(basis) == block


@pytest.mark.parametrize("basis", list(ROUTES))
def test_victim_letter_states_the_route_and_the_legal_term(basis, ban_on):
    ban = ban_on(basis)
    with translation.override("nl"):
        letter = build_letter(ban, ban.protected_persons.get(), date(2026, 6, 15))
        paragraphs = [p for section in letter.sections for p in section.paragraphs]
        assert str(RULES[basis].victim_follow_up) in paragraphs
        assert any(str(RULES[basis].term_text) in p for p in paragraphs)
        assert ("de politie kan direct aanhouden" in " ".join(paragraphs)) == (ROUTES[basis][0] is not None)
    with translation.override("en"):
        english = build_letter(ban, ban.protected_persons.get(), date(2026, 6, 15))
        assert any("Legal duration" in p for s in english.sections for p in s.paragraphs)


@pytest.mark.parametrize("basis", list(ROUTES))
def test_om_report_states_articles_term_and_follow_up(basis, ban_on):
    ban = ban_on(basis)
    incident = Incident.objects.create(
        type=IncidentType.ZONE_VIOLATION, ban=ban, person=ban.person, opened_at=timezone.now()
    )
    facts = build_facts(incident)
    rule = RULES[basis]
    with translation.override("nl"):
        assert facts["ban"]["legal"]["follow_up"] == str(rule.om_follow_up)
        assert facts["ban"]["legal"]["offence_article"] == rule.offence_article
        text = pdf_text(render_report(facts, "concept"))
    flat = " ".join(str(rule.om_follow_up).split())
    assert flat[:60] in text and rule.articles in text
    assert ("ja, zelfstandig strafbaar feit" in text) == rule.arrest_possible


def test_code_agrees_with_the_decision_rule(registry, person):
    for basis in LegalBasis:
        decision = registry.decision(person, basis)
        assert (enforcement_code(decision) == EnforcementCode.ARREST_POSSIBLE) == decision.arrest_possible
        assert enforcement(decision, "nl") == basis_enforcement(basis, "nl")


def test_unknown_ban_is_reported_to_the_om():
    found = basis_enforcement(None, "nl")
    assert found.code == EnforcementCode.REPORT_TO_OM and "Openbaar Ministerie" in found.text
