"""The admin: usable by a registrar, saves through the services (history kept), history and audit read-only."""

import pytest
from django.test import Client
from django.urls import reverse

from registry import services
from registry.models import AuditEntry, BanStatus, HistoryEntry

ADMIN_MODELS = [
    "person",
    "personalias",
    "protectedperson",
    "decision",
    "ban",
    "historyentry",
    "auditentry",
    "importbatch",
    "rejectedrow",
]


def staff_client(user) -> Client:
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def ban_form(ban, protected_ids=(), **changes) -> dict:
    data = {
        "kind": ban.kind,
        "valid_from_0": "2026-03-02",
        "valid_from_1": "00:00:00",
        "valid_until_0": "2027-03-02",
        "valid_until_1": "00:00:00",
        "contact_modes": "[]",
        "zone_shape": ban.zone_shape,
        "centre_lat": ban.centre_lat,
        "centre_lon": ban.centre_lon,
        "radius_m": ban.radius_m,
        "zone_geojson": "null",
        "zone_description": ban.zone_description,
        "time_windows": "[]",
        "protected_persons": list(protected_ids),
        "reason": "",
        "lifecycle_action": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_registrar_and_supervisor_can_open_every_list_with_search(users, area_ban, model):
    url = reverse(f"admin:registry_{model}_changelist")
    AuditEntry.record(users["bob"], "lookup", area_ban.person)
    for name in ("alice", "erin"):
        response = staff_client(users[name]).get(url, {"q": "Proef"})
        allowed = name == "erin" or model != "auditentry"
        assert response.status_code == (200 if allowed else 403), (name, model)


@pytest.mark.parametrize(
    ("model", "params"),
    [
        ("ban", {"kind": "area"}),
        ("ban", {"status": "active"}),
        ("decision", {"legal_basis": "schorsing_voorlopige_hechtenis"}),
    ],
)
def test_list_filters_work(users, area_ban, model, params):
    response = staff_client(users["alice"]).get(reverse(f"admin:registry_{model}_changelist"), params)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_police_officer_cannot_use_the_registry_admin(users, area_ban):
    response = staff_client(users["bob"]).get(reverse("admin:registry_ban_change", args=[area_ban.pk]))
    assert response.status_code == 403


def test_change_form_shows_history(users, area_ban):
    response = staff_client(users["alice"]).get(reverse("admin:registry_ban_change", args=[area_ban.pk]))
    assert response.status_code == 200
    assert "aangemaakt" in response.content.decode()


def test_admin_change_goes_through_service_with_reason(users, area_ban):
    url = reverse("admin:registry_ban_change", args=[area_ban.pk])
    response = staff_client(users["alice"]).post(url, ban_form(area_ban, radius_m=2500, reason="straal via admin"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    last = services.history_of(area_ban).last()
    assert (last.version, last.reason, last.changed_by, last.snapshot["radius_m"]) == (
        2,
        "straal via admin",
        users["alice"],
        2500,
    )


def test_admin_change_without_reason_is_refused(users, area_ban):
    url = reverse("admin:registry_ban_change", args=[area_ban.pk])
    response = staff_client(users["alice"]).post(url, ban_form(area_ban, radius_m=2500))
    assert response.status_code == 200
    assert "reason" in response.context["adminform"].form.errors
    assert services.history_of(area_ban).count() == 1


def test_admin_rejects_radius_out_of_range(users, area_ban):
    url = reverse("admin:registry_ban_change", args=[area_ban.pk])
    response = staff_client(users["alice"]).post(url, ban_form(area_ban, radius_m=60000, reason="te groot"))
    assert "radius_m" in response.context["adminform"].form.errors


def test_admin_status_change_is_a_lifecycle_action(users, area_ban):
    url = reverse("admin:registry_ban_change", args=[area_ban.pk])
    data = ban_form(area_ban, lifecycle_action="suspend", reason="geschorst via admin")
    assert staff_client(users["alice"]).post(url, data).status_code == 302
    area_ban.refresh_from_db()
    assert area_ban.status == BanStatus.SUSPENDED
    assert services.history_of(area_ban).last().action == HistoryEntry.Action.SUSPENDED


def test_admin_add_ban_records_creation(users, decision, protected):
    data = ban_form(
        decision.bans.model(zone_shape="", zone_description=""),
        protected_ids=[protected.pk],
        kind="contact",
        decision=decision.pk,
        person=decision.person_id,
        status="active",
        centre_lat="",
        centre_lon="",
        radius_m="",
    )
    response = staff_client(users["alice"]).post(reverse("admin:registry_ban_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    ban = decision.bans.get()
    assert ban.contact_modes == ["direct", "indirect", "online"]
    assert services.history_of(ban).get().action == HistoryEntry.Action.CREATED


def test_admin_person_aliases_are_saved_through_service(users, person):
    url = reverse("admin:registry_person_change", args=[person.pk])
    data = {
        "given_names": person.given_names,
        "tussenvoegsel": person.tussenvoegsel,
        "surname": person.surname,
        "date_of_birth": "1985-04-01",
        "strafrechtketennummer": person.strafrechtketennummer,
        "alias_lines": "Piet Proef\nPietje",
        "reason": "alias toegevoegd",
    }
    assert staff_client(users["alice"]).post(url, data).status_code == 302
    assert services.history_of(person).last().snapshot["aliases"] == ["Piet Proef", "Pietje"]


@pytest.mark.parametrize("model", ["historyentry", "auditentry", "importbatch"])
def test_history_audit_and_imports_cannot_be_added_changed_or_deleted(users, area_ban, model):
    AuditEntry.record(users["bob"], "lookup", area_ban.person)
    client = staff_client(users["erin"])
    assert client.get(reverse(f"admin:registry_{model}_add")).status_code == 403
    model_class = {"historyentry": HistoryEntry, "auditentry": AuditEntry}.get(model)
    if model_class is not None:
        pk = model_class.objects.first().pk
        assert client.get(reverse(f"admin:registry_{model}_delete", args=[pk])).status_code == 403
        page = client.get(reverse(f"admin:registry_{model}_change", args=[pk]))
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_supervisor_views_bans_but_cannot_change_them(users, area_ban):
    client = staff_client(users["erin"])
    url = reverse("admin:registry_ban_change", args=[area_ban.pk])
    assert 'name="_save"' not in client.get(url).content.decode()
    client.post(url, ban_form(area_ban, radius_m=100, reason="mag niet"))
    area_ban.refresh_from_db()
    assert area_ban.radius_m == 5000


@pytest.mark.parametrize("model", ["person", "protectedperson", "decision", "ban"])
def test_add_and_change_pages_render(users, area_ban, protected, model):
    client = staff_client(users["alice"])
    assert client.get(reverse(f"admin:registry_{model}_add")).status_code == 200
    obj = {"person": area_ban.person, "protectedperson": protected, "decision": area_ban.decision, "ban": area_ban}
    assert client.get(reverse(f"admin:registry_{model}_change", args=[obj[model].pk])).status_code == 200


def test_admin_sets_the_monitoring_region_with_a_reason_in_the_history(users, area_ban):
    from registry.regions import region_of_ban

    url = reverse("admin:registry_ban_change", args=[area_ban.pk])
    response = staff_client(users["alice"]).post(url, ban_form(area_ban, region="limburg", reason="woont in Venlo"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert region_of_ban(area_ban) == "limburg"
    last = services.history_of(area_ban).last()
    assert (last.changed_fields, last.reason) == (["region"], "woont in Venlo")
    page = staff_client(users["alice"]).get(url).content.decode()
    assert '<option value="limburg" selected>' in page
