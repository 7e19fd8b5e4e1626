"""The enforcement instruction per legal basis: arrest possible only where the violation is itself an offence."""

import pytest

from registry.enforcement import EnforcementCode, enforcement, enforcement_code, enforcement_instruction
from registry.models import LegalBasis
from registry.models.decisions import ARREST_POSSIBLE_BASES

OTHER_BASES = [basis for basis in LegalBasis if basis not in ARREST_POSSIBLE_BASES]


@pytest.fixture
def person(registry):
    return registry.person("Dirkje", "Vlietstra")


def test_gedragsaanwijzing_allows_arrest_when_caught_in_the_act(registry, person):
    decision = registry.decision(person, LegalBasis.GEDRAGSAANWIJZING)
    assert enforcement_code(decision) == EnforcementCode.ARREST_POSSIBLE
    text = enforcement_instruction(decision, "nl")
    assert "Aanhouding mogelijk" in text and "184a Sr" in text and "509hh Sv" in text


def test_house_ban_violation_cites_285c_not_184a(registry, person):
    decision = registry.decision(person, LegalBasis.TIJDELIJK_HUISVERBOD)
    found = enforcement(decision, "nl")
    assert found.code == EnforcementCode.ARREST_POSSIBLE
    assert "285c Sr" in found.text and "huisverbod" in found.text and "184a" not in found.text


@pytest.mark.parametrize("basis", OTHER_BASES)
def test_other_bases_are_reported_to_the_om(registry, person, basis):
    decision = registry.decision(person, basis)
    found = enforcement(decision, "nl")
    assert found.code == EnforcementCode.REPORT_TO_OM
    assert "Openbaar Ministerie" in found.text and "beoordeelt" in found.text


def test_instruction_is_available_in_english(registry, person):
    decision = registry.decision(person, LegalBasis.GEDRAGSAANWIJZING)
    assert enforcement_instruction(decision, "en").startswith("Arrest possible")
    assert "Public Prosecution" in enforcement_instruction(registry.decision(person, LegalBasis.CIVIEL_VERBOD), "en")


def test_code_agrees_with_the_decision_rule(registry, person):
    for basis in LegalBasis:
        decision = registry.decision(person, basis)
        assert (enforcement_code(decision) == EnforcementCode.ARREST_POSSIBLE) == decision.arrest_possible


def test_api_gives_the_instruction_per_ban(client_for, registry, person):
    registry.ban(person, decision=registry.decision(person, LegalBasis.GEDRAGSAANWIJZING))
    ban = client_for("bob").get("/api/v1/lookup", {"q": "Vlietstra"}).json()["results"][0]["bans"][0]
    assert ban["enforcement"]["code"] == "arrest_possible"
