"""seed_demo: complete (every legal basis, ban kind and role), idempotent, demo mode only."""

import pytest
import shapely
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from registry.models import Ban, BanKind, Decision, HistoryEntry, LegalBasis, Person, ProtectedPerson
from registry.names import TUSSENVOEGSELS
from registry.roles import Role, has_role
from registry.terms import basis_problems, legal_warnings
from seeds import demo_data
from seeds.seeding import DemoModeRequired, seed_demo


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    return settings


@pytest.fixture
def seeded(db, demo_mode):
    seed_demo()


def row_state():
    """Return every seeded row with its modification time, to compare before and after."""
    return {
        "persons": sorted(Person.objects.values_list("pk", "updated_at")),
        "protected": sorted(ProtectedPerson.objects.values_list("pk", "updated_at")),
        "decisions": sorted(Decision.objects.values_list("pk", "updated_at")),
        "bans": sorted(Ban.objects.values_list("pk", "updated_at", "version")),
        "ban_protected": sorted(Ban.protected_persons.through.objects.values_list("pk", flat=True)),
        "users": sorted(User.objects.values_list("pk", "password")),
        "history": HistoryEntry.objects.count(),
    }


def test_seeding_twice_changes_nothing(seeded):
    before = row_state()
    counts = seed_demo()
    assert row_state() == before
    assert {outcome for (_, outcome) in counts} == {"unchanged"}


def test_command_twice_reports_nothing_new(db, demo_mode, capsys):
    call_command("seed_demo")
    capsys.readouterr()
    call_command("seed_demo")
    assert "(0 rijen nieuw of bijgewerkt)" in capsys.readouterr().out


def test_a_changed_row_is_restored_with_history(seeded):
    person = Person.objects.get(strafrechtketennummer="SKN-DEMO-0001")
    Person.objects.filter(pk=person.pk).update(surname="Anders")
    seed_demo()
    person.refresh_from_db()
    assert person.surname == "Testhoven"
    entry = HistoryEntry.objects.filter(model="registry.person", object_id=person.pk).last()
    assert entry.action == HistoryEntry.Action.UPDATED
    assert entry.changed_fields == ["surname"]


def test_every_seeded_registry_row_has_its_creation_in_the_history(seeded):
    for model in (Person, ProtectedPerson, Decision, Ban):
        label = model._meta.label_lower
        recorded = set(HistoryEntry.objects.filter(model=label, action="created").values_list("object_id", flat=True))
        assert recorded == set(model.objects.values_list("pk", flat=True)), label


def test_every_legal_basis_has_a_decision(seeded):
    assert set(Decision.objects.values_list("legal_basis", flat=True)) == set(LegalBasis.values)


def test_every_ban_kind_is_in_force(seeded):
    kinds = set(Ban.objects.in_force().values_list("kind", flat=True))
    assert kinds == set(BanKind.values)


def test_area_bans_include_default_5_km_circles(seeded):
    circles = Ban.objects.in_force().filter(kind=BanKind.AREA, zone_shape="circle")
    assert sum(ban.effective_radius_m == 5000.0 for ban in circles) >= 3


def test_municipality_polygon_is_valid_with_about_30_vertices(seeded):
    ban = Ban.objects.get(kind=BanKind.AREA, zone_shape="polygon")
    shape = shapely.geometry.shape(ban.zone_geojson)
    assert shape.is_valid
    assert 25 <= len(ban.zone_geojson["coordinates"][0]) <= 40
    # Gouda's market square lies inside the outline, Utrecht's Domplein does not.
    assert shape.contains(shapely.Point(demo_data.GOUDA.lon, demo_data.GOUDA.lat))
    assert not shape.contains(shapely.Point(demo_data.UTRECHT.lon, demo_data.UTRECHT.lat))


def test_a_night_only_area_ban_and_a_night_presence_obligation(seeded):
    night_area = Ban.objects.in_force().filter(kind=BanKind.AREA).exclude(time_windows=[])
    assert night_area.exists()
    presence = Ban.objects.in_force().get(kind=BanKind.PRESENCE)
    assert presence.time_windows == [{"days": [0, 1, 2, 3, 4, 5, 6], "start": "22:00", "end": "06:00"}]


def test_contact_bans_name_protected_persons(seeded):
    for ban in Ban.objects.filter(kind=BanKind.CONTACT):
        assert ban.protected_persons.exists()
        assert ban.contact_modes


def test_every_role_has_a_demo_user_with_the_documented_password(seeded):
    for spec in demo_data.USERS:
        user = User.objects.get(username=spec.username)
        assert user.check_password(spec.password)
    seeded_roles = {Role(spec.role) for spec in demo_data.USERS if spec.role}
    assert seeded_roles == set(Role)
    for spec in demo_data.USERS:
        if spec.role:
            assert has_role(User.objects.get(username=spec.username), Role(spec.role))


def test_names_are_dutch_style_with_tussenvoegsels_and_diacritics():
    people = [*demo_data.SUBJECTS, *demo_data.PROTECTED]
    assert any(p.tussenvoegsel.split()[0] in TUSSENVOEGSELS for p in people if p.tussenvoegsel)
    assert any(not (p.given_names + p.surname).isascii() for p in people)


@pytest.mark.parametrize("debug", [False, True])
def test_seeding_is_refused_outside_demo_mode_whatever_debug_says(db, settings, debug):
    settings.DEBUG, settings.DEMO_MODE = debug, False
    with pytest.raises(DemoModeRequired):
        seed_demo()
    with pytest.raises(CommandError, match="BANWATCH_DEMO=true"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_every_demo_ban_respects_its_legal_basis(seeded):
    for ban in Ban.objects.select_related("decision"):
        state = {f.name: getattr(ban, f.name) for f in Ban._meta.concrete_fields}
        assert basis_problems(ban.decision.legal_basis, state) == {}, ban.decision.reference
        assert legal_warnings(ban) == [], ban.decision.reference


def test_demo_gedragsaanwijzing_runs_its_first_90_days_and_is_in_force(seeded):
    bans = Ban.objects.filter(decision__legal_basis=LegalBasis.GEDRAGSAANWIJZING)
    assert bans.count() == 2
    for ban in bans:
        days = timezone.localtime(ban.valid_until).date() - timezone.localtime(ban.valid_from).date()
        assert days.days == 90 and ban.is_in_force()
