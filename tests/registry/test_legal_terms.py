"""Term and scope rules per legal basis: enforced on create, update (API, admin, services) and import."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from registry import services
from registry.importer import import_file
from registry.models import Ban, BanKind, LegalBasis
from registry.models.legal import RULES, Term
from registry.terms import legal_warnings

AMS = ZoneInfo("Europe/Amsterdam")
START = datetime(2026, 3, 2, tzinfo=AMS)
# (basis, authority, standard term, longest justified term, end date required): what docs/legal-bases.md says.
EXPECTED = [
    (LegalBasis.GEDRAGSAANWIJZING, "om", Term(days=90), Term(days=360), True),
    (LegalBasis.STRAFBESCHIKKING, "om", Term(years=1), Term(years=1), True),
    (LegalBasis.BIJZONDERE_VOORWAARDE, "court", Term(years=3), Term(years=10), True),
    (LegalBasis.VOORWAARDELIJKE_INVRIJHEIDSTELLING, "om", None, None, True),
    (LegalBasis.VRIJHEIDSBEPERKENDE_MAATREGEL, "court", Term(years=5), Term(years=5), True),
    (LegalBasis.SCHORSING_VOORLOPIGE_HECHTENIS, "court", None, None, False),
    (LegalBasis.TIJDELIJK_HUISVERBOD, "mayor", Term(days=10), Term(days=28), True),
    (LegalBasis.CIVIEL_VERBOD, "civil_court", None, None, False),
]
BASES = [row[0] for row in EXPECTED]


def row(basis):
    return next(r for r in EXPECTED if r[0] == basis)


@pytest.fixture
def decision_for(users, person):
    def make(basis, reference: str = "LEGAL/1"):
        return services.create_decision(
            user=users["alice"],
            person=person,
            authority=row(basis)[1],
            legal_basis=basis,
            reference=reference,
            decision_date=date(2026, 3, 1),
        )

    return make


def area(decision, users, until, **fields):
    fields.setdefault("radius_m", 250.0)
    return services.create_ban(
        user=users["alice"],
        reason="test",
        decision=decision,
        person=decision.person,
        kind=BanKind.AREA,
        valid_from=START,
        valid_until=until,
        centre_lat=52.0907,
        centre_lon=5.1214,
        **fields,
    )


def codes(exc: ValidationError, field: str) -> list[str]:
    return [e.code for e in exc.error_dict[field]]


def test_the_rule_table_has_one_row_per_basis_as_documented():
    assert set(RULES) == set(LegalBasis.values)
    for basis, _authority, standard, longest, end_required in EXPECTED:
        rule = RULES[basis]
        assert (rule.standard_term, rule.longest_term(True), rule.end_required) == (standard, longest, end_required)


@pytest.mark.parametrize("basis", [b for b in BASES if row(b)[2]])
def test_a_ban_of_exactly_the_standard_term_is_accepted(basis, decision_for, users):
    ban = area(decision_for(basis), users, row(basis)[2].after(START))
    assert ban.legal_end == row(basis)[2].after(START)
    assert legal_warnings(ban, at=START) == []


@pytest.mark.parametrize("basis", [b for b in BASES if row(b)[2]])
def test_a_day_over_the_standard_term_is_refused_on_valid_until(basis, decision_for, users):
    _basis, _authority, standard, longest, _end = row(basis)
    with pytest.raises(ValidationError) as info:
        area(decision_for(basis), users, standard.after(START) + timedelta(days=1))
    expected = "term_needs_justification" if longest != standard else "term_too_long"
    assert codes(info.value, "valid_until") == [expected]


@pytest.mark.parametrize("basis", [b for b in BASES if row(b)[2] and row(b)[3] != row(b)[2]])
def test_a_justified_longer_term_is_accepted_up_to_the_maximum_and_kept_in_the_history(basis, decision_for, users):
    longest = row(basis)[3]
    ban = area(decision_for(basis), users, longest.after(START), term_justification="verlengd bij beslissing")
    entry = services.history_of(ban).get()
    assert entry.snapshot["term_justification"] == "verlengd bij beslissing"
    with pytest.raises(ValidationError) as info:
        services.update_ban(
            ban.pk, user=users["alice"], reason="nog langer", valid_until=longest.after(START) + timedelta(days=1)
        )
    assert codes(info.value, "valid_until") == ["term_too_long"]


@pytest.mark.parametrize("basis", [b for b in BASES if row(b)[2] and row(b)[3] == row(b)[2]])
def test_a_justification_does_not_lengthen_a_fixed_maximum(basis, decision_for, users):
    with pytest.raises(ValidationError) as info:
        area(decision_for(basis), users, row(basis)[2].after(START) + timedelta(days=1), term_justification="graag")
    assert codes(info.value, "valid_until") == ["term_too_long"]


@pytest.mark.parametrize("basis", BASES)
def test_an_open_end_is_refused_only_where_the_basis_needs_an_end_date(basis, decision_for, users):
    if not row(basis)[4]:
        assert area(decision_for(basis), users, None).valid_until is None
        return
    with pytest.raises(ValidationError) as info:
        area(decision_for(basis), users, None)
    assert codes(info.value, "valid_until") == ["end_required"]


@pytest.mark.parametrize("basis", [b for b in BASES if not row(b)[2]])
def test_bases_without_a_statutory_maximum_accept_a_long_term(basis, decision_for, users):
    assert area(decision_for(basis), users, START + timedelta(days=3650)).legal_end is None


def test_house_ban_of_five_years_and_fifty_km_is_refused(decision_for, users):
    decision = decision_for(LegalBasis.TIJDELIJK_HUISVERBOD)
    with pytest.raises(ValidationError) as info:
        area(decision, users, START + timedelta(days=5 * 365), radius_m=50_000.0)
    assert codes(info.value, "valid_until") == ["term_too_long"]
    assert codes(info.value, "radius_m") == ["zone_scope"]


def test_house_ban_covers_the_home_only(decision_for, users):
    decision = decision_for(LegalBasis.TIJDELIJK_HUISVERBOD)
    until = START + timedelta(days=10)
    with pytest.raises(ValidationError) as info:
        area(decision, users, until, radius_m=None)  # the 5 km default is far more than the home
    assert codes(info.value, "radius_m") == ["zone_scope"]
    with pytest.raises(ValidationError) as info:
        area(decision, users, until, time_windows=[{"days": [0], "start": "22:00", "end": "06:00"}])
    assert codes(info.value, "time_windows") == ["not_allowed"]
    with pytest.raises(ValidationError) as info:
        services.create_ban(
            user=users["alice"],
            decision=decision,
            person=decision.person,
            kind=BanKind.PRESENCE,
            valid_from=START,
            valid_until=until,
            centre_lat=52.09,
            centre_lon=5.12,
            radius_m=100.0,
        )
    assert codes(info.value, "kind") == ["kind"]
    assert area(decision, users, until, radius_m=500.0).radius_m == 500.0


def test_api_create_and_update_answer_400_on_the_term_field(client_for, decision_for, users):
    decision = decision_for(LegalBasis.GEDRAGSAANWIJZING)
    body = {
        "decision": decision.pk,
        "person": decision.person_id,
        "kind": "area",
        "valid_from": START.isoformat(),
        "valid_until": (START + timedelta(days=120)).isoformat(),
        "centre_lat": 52.09,
        "centre_lon": 5.12,
    }
    client = client_for("alice")
    response = client.post("/api/v1/bans/", body, format="json")
    assert response.status_code == 400
    assert "term_justification" in response.json()["valid_until"][0]

    body["valid_until"] = (START + timedelta(days=90)).isoformat()
    created = client.post("/api/v1/bans/", body, format="json")
    assert created.status_code == 201, created.content
    url = f"/api/v1/bans/{created.json()['id']}/"
    longer = (START + timedelta(days=180)).isoformat()
    refused = client.patch(url, {"valid_until": longer, "reason": "verlengd"}, format="json")
    assert refused.status_code == 400 and "valid_until" in refused.json()

    ground = "eerste verlenging, beslissing OvJ 2026-05-25"
    extended = client.patch(
        url, {"valid_until": longer, "term_justification": ground, "reason": "verlengd"}, format="json"
    )
    assert extended.status_code == 200, extended.content
    history = client.get(f"{url}history/").json()["results"]
    assert history[-1]["reason"] == "verlengd"
    assert set(history[-1]["changed_fields"]) == {"valid_until", "term_justification"}


def test_admin_refuses_an_extension_without_a_ground(users, decision_for):
    decision = decision_for(LegalBasis.GEDRAGSAANWIJZING)
    ban = area(decision, users, START + timedelta(days=90))
    users["alice"].is_staff = True
    users["alice"].save()
    client = Client()
    client.force_login(users["alice"])
    form = {
        "decision": decision.pk,
        "person": decision.person_id,
        "kind": "area",
        "status": "active",
        "valid_from_0": "2026-03-02",
        "valid_from_1": "00:00:00",
        "valid_until_0": "2026-09-02",
        "valid_until_1": "00:00:00",
        "contact_modes": "[]",
        "zone_shape": "circle",
        "centre_lat": ban.centre_lat,
        "centre_lon": ban.centre_lon,
        "radius_m": ban.radius_m,
        "zone_geojson": "null",
        "zone_description": "",
        "time_windows": "[]",
        "term_justification": "",
        "reason": "verlengd",
        "lifecycle_action": "",
    }
    response = client.post(reverse("admin:registry_ban_change", args=[ban.pk]), form)
    assert response.status_code == 200
    assert "term_justification" in response.content.decode()
    ban.refresh_from_db()
    assert ban.valid_until == START + timedelta(days=90)


def import_rows(basis: str, authority: str, bans: list[dict], reference: str) -> dict:
    return {
        "authority": authority,
        "legal_basis": basis,
        "reference": reference,
        "decision_date": "2026-03-01",
        "person": {"given_names": "Henk", "surname": "Bedachtsma", "strafrechtketennummer": "SKN-LEGAL-1"},
        "bans": bans,
    }


def test_import_rejects_a_long_wide_house_ban_by_line_and_field(db):
    good = import_rows(
        "gedragsaanwijzing",
        "om",
        [{"kind": "contact", "valid_from": "2026-03-02", "valid_until": "2026-05-30"}],
        "OM/1",
    )
    bad = import_rows(
        "tijdelijk_huisverbod",
        "mayor",
        [
            {
                "kind": "area",
                "valid_from": "2026-03-02",
                "valid_until": "2031-03-01",
                "centre_lat": 52.63,
                "centre_lon": 4.75,
                "radius_m": 50000,
            }
        ],
        "BGM/1",
    )
    good["bans"][0]["protected_persons"] = [{"given_names": "Femke", "surname": "Bedachtsma"}]
    text = json.dumps([good, bad], indent=1)
    batch = import_file(text.encode(), filename="besluiten.json")

    assert (batch.rows_created, batch.rows_rejected) == (1, 1)
    (rejected,) = batch.rejected_rows.all()
    starts = [number for number, line in enumerate(text.splitlines(), start=1) if line == " {"]
    assert rejected.line == starts[1]
    fields = {e["field"]: e["code"] for e in rejected.errors}
    assert fields == {"bans[0].valid_until": "term_too_long", "bans[0].radius_m": "zone_scope"}
    assert not Ban.objects.filter(decision__reference="BGM/1").exists()


def test_csv_import_reports_the_line_of_the_ban_over_its_term(db):
    header = (
        "authority,legal_basis,reference,decision_date,person_given_names,person_surname,person_strafrechtketennummer,"
        "ban_kind,valid_from,valid_until,term_justification,protected_given_names,protected_surname"
    )
    lines = [
        header,
        "om,gedragsaanwijzing,OM/2,2026-03-01,Piet,Proef,SKN-LEGAL-2,contact,2026-03-02,2026-05-30,,Wil,Beschermd",
        "om,gedragsaanwijzing,OM/2,2026-03-01,Piet,Proef,SKN-LEGAL-2,contact,2026-03-02,2026-12-31,,Ans,Anders",
    ]
    batch = import_file("\n".join(lines).encode(), filename="cjib.csv")
    (rejected,) = batch.rejected_rows.all()
    assert [(e["line"], e["field"], e["code"]) for e in rejected.errors] == [
        (3, "bans[1].valid_until", "term_needs_justification")
    ]

    lines[2] = lines[2].replace(",2026-12-31,,", ",2026-11-26,derde verlenging OvJ,")
    batch = import_file("\n".join(lines).encode(), filename="cjib.csv")
    assert (batch.rows_created, batch.rows_rejected) == (1, 0)
    assert Ban.objects.get(decision__reference="OM/2", term_justification="derde verlenging OvJ")


def test_changing_the_basis_is_refused_when_the_bans_do_not_fit(decision_for, users):
    decision = decision_for(LegalBasis.VRIJHEIDSBEPERKENDE_MAATREGEL)
    area(decision, users, START + timedelta(days=700))
    with pytest.raises(ValidationError) as info:
        services.update_decision(
            decision.pk, user=users["alice"], reason="grondslag", legal_basis=LegalBasis.GEDRAGSAANWIJZING
        )
    assert "legal_basis" in info.value.error_dict


def test_a_ban_stored_past_its_legal_term_is_flagged_in_the_api_and_on_the_desk(client_for, decision_for, users):
    ban = area(decision_for(LegalBasis.TIJDELIJK_HUISVERBOD), users, START + timedelta(days=10))
    Ban.objects.filter(pk=ban.pk).update(valid_until=START + timedelta(days=5 * 365))  # stored before the rules
    with time_machine.travel(START + timedelta(days=40), tick=False):
        body = client_for("alice").get(f"/api/v1/bans/{ban.pk}/").json()
        client = Client()
        client.force_login(users["alice"])
        desk = client.get("/registratie/").content.decode()
    assert [w["code"] for w in body["legal_warnings"]] == ["past_legal_end"]
    assert body["legal_end"].startswith("2026-03-12")  # ten days: no extension recorded
    assert 'data-code="past_legal_end"' in desk and ban.decision.reference in desk


def test_an_active_ban_past_its_end_date_is_flagged(decision_for, users):
    ban = area(decision_for(LegalBasis.SCHORSING_VOORLOPIGE_HECHTENIS), users, START + timedelta(days=10))
    assert [w["code"] for w in legal_warnings(ban, at=START + timedelta(days=11))] == ["end_date_passed"]
    services.end_ban(ban.pk, user=users["alice"], reason="afgelopen")
    ban.refresh_from_db()
    assert legal_warnings(ban, at=START + timedelta(days=11)) == []
