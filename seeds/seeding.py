"""Write the demo data set into the database, idempotently.

Each row is found by a natural key (strafrechtketennummer, authority and
reference, username...). A row that exists with the same values is left
alone, so a second run writes nothing; a row whose seed values changed is
updated. Registry rows go through `registry.services`, like a registrar's
edits: validated, and every creation and change in the history.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone

from geofence.monitor.models import BanRegion
from registry import services
from registry.letters import services as letters
from registry.lifecycle import FINAL_STATUSES
from registry.models import Ban, Decision, Person, PoliceRegion, ProtectedPerson, RegionMembership
from registry.roles import Role

from . import demo_data as data

# The demo's monitoring centre works for one region, and every demo ban lies in it (registry/regions.py).
DEMO_REGION = PoliceRegion.MIDDEN_NEDERLAND

SEED_REASON = "demodata (seed_demo)"


class DemoModeRequired(ImproperlyConfigured):
    """Raised when seeding would put public demo passwords on a production system."""


def require_demo_mode() -> None:
    """Refuse unless demo mode is on (BANWATCH_DEMO=true): the demo users have published passwords."""
    if not settings.DEMO_MODE:
        raise DemoModeRequired(
            "Demodata alleen in demomodus: zet BANWATCH_DEMO=true (en DEBUG=true), zoals `make run` doet. "
            "De demogebruikers hebben openbare wachtwoorden en horen niet op een productiesysteem."
        )


@transaction.atomic
def seed_demo() -> Counter:
    """Create or refresh the whole demo data set; return counts per (model, outcome)."""
    require_demo_mode()
    counts: Counter = Counter()
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    subjects = {spec.key: _seed_subject(spec, counts) for spec in data.SUBJECTS}
    protected = {spec.key: _seed_protected(spec, counts) for spec in data.PROTECTED}
    for spec in data.DECISIONS:
        _seed_decision(spec, subjects[spec.subject], protected, counts)
    for spec in data.USERS:
        _seed_user(spec, counts)
    _seed_devices(subjects, counts)
    _seed_letters(counts)
    return counts


def upsert(model: type[models.Model], lookup: dict, values: dict, counts: Counter) -> models.Model:
    """Return the row found by `lookup`, created or brought to `values`; save only on a difference.

    For rows outside the registry (vendors, devices), which keep no history.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        counts[(model.__name__, "created")] += 1
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    counts[(model.__name__, "updated" if changed else "unchanged")] += 1
    return obj


def upsert_registry(model: type[models.Model], lookup: dict, values: dict, counts: Counter, **related):
    """Like `upsert`, through the registry's services: validated, and every change in the history."""
    name = model._meta.model_name
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        create = getattr(services, f"create_{_service_name(name)}")
        counts[(model.__name__, "created")] += 1
        return create(user=None, reason=SEED_REASON, **related, **lookup, **values)
    update = getattr(services, f"update_{_service_name(name)}")
    obj, changed = update(obj.pk, user=None, reason=SEED_REASON, **related, **values)
    counts[(model.__name__, "updated" if changed else "unchanged")] += 1
    return obj


def _service_name(model_name: str) -> str:
    return {"protectedperson": "protected_person"}.get(model_name, model_name)


def _seed_subject(spec: data.SubjectSpec, counts: Counter) -> Person:
    values = {
        "given_names": spec.given_names,
        "tussenvoegsel": spec.tussenvoegsel,
        "surname": spec.surname,
        "date_of_birth": spec.date_of_birth,
        "cjib_reference": spec.cjib_reference,
    }
    lookup = {"strafrechtketennummer": spec.key}
    return upsert_registry(Person, lookup, values, counts, aliases=list(spec.aliases))


def _seed_protected(spec: data.ProtectedSpec, counts: Counter) -> ProtectedPerson:
    lookup = {
        "given_names": spec.given_names,
        "tussenvoegsel": spec.tussenvoegsel,
        "surname": spec.surname,
        "date_of_birth": spec.date_of_birth,
    }
    values = {
        "street": spec.street,
        "postcode": spec.postcode,
        "city": spec.city,
        "phone": spec.phone,
        "email": spec.email,
        "home_lat": spec.place.lat,
        "home_lon": spec.place.lon,
    }
    return upsert_registry(ProtectedPerson, lookup, values, counts)


def _seed_decision(spec: data.DecisionSpec, person: Person, protected: dict, counts: Counter) -> None:
    values = {
        "person": person,
        "legal_basis": spec.legal_basis,
        "decision_date": data.resolve(spec.decision_date, timezone.localdate()),
        "dut": spec.dut,
        "electronic_monitoring": spec.electronic_monitoring,
        "sash_risk": spec.sash_risk,
    }
    decision = upsert_registry(Decision, {"authority": spec.authority, "reference": spec.reference}, values, counts)
    for ban_spec in spec.bans:
        lookup = {"decision": decision, "kind": ban_spec.kind}
        wanted = [protected[key] for key in ban_spec.protected]
        ban = Ban.objects.filter(**lookup).first()
        if ban is None:
            # The status is set once, at creation: later changes go through the lifecycle actions.
            values = {**_ban_values(ban_spec, person), "status": ban_spec.status}
            ban = services.create_ban(user=None, reason=SEED_REASON, protected_persons=wanted, **lookup, **values)
            BanRegion.objects.get_or_create(ban=ban, defaults={"region": DEMO_REGION})
            counts[("Ban", "created")] += 1
        elif ban.status in FINAL_STATUSES:
            counts[("Ban", "unchanged")] += 1  # an ended or revoked ban is history, not to be edited
        else:
            _, changed = services.update_ban(
                ban.pk, user=None, reason=SEED_REASON, protected_persons=wanted, **_ban_values(ban_spec, person)
            )
            counts[("Ban", "updated" if changed else "unchanged")] += 1


def _ban_values(spec: data.BanSpec, person: Person) -> dict:
    today = timezone.localdate()
    shape = "polygon" if spec.polygon else ("circle" if spec.place else "")
    return {
        "person": person,
        "valid_from": local_midnight(data.resolve(spec.valid_from, today)),
        "valid_until": local_midnight(data.resolve(spec.valid_until, today)) if spec.valid_until else None,
        "term_justification": spec.term_justification,
        "contact_modes": list(spec.contact_modes),
        "zone_shape": shape,
        "centre_lat": spec.place.lat if spec.place else None,
        "centre_lon": spec.place.lon if spec.place else None,
        "radius_m": spec.radius_m,
        "zone_geojson": spec.polygon,
        "time_windows": list(spec.time_windows),
        "zone_description": spec.description,
    }


def local_midnight(day: date) -> datetime:
    """Return the start of the day in Dutch local time, as bans take effect."""
    return timezone.make_aware(datetime.combine(day, time(0, 0)), timezone.get_default_timezone())


def _seed_user(spec: data.UserSpec, counts: Counter) -> None:
    user, created = User.objects.get_or_create(
        username=spec.username,
        defaults={"is_staff": spec.superuser or spec.role == Role.REGISTRAR, "is_superuser": spec.superuser},
    )
    if created or not user.check_password(spec.password):
        # Hashing is salted: set the password only when it does not already match.
        user.set_password(spec.password)
        user.save(update_fields=["password"])
    if spec.role:
        user.groups.add(Group.objects.get(name=spec.role))
    if spec.role == Role.MONITORING_OPERATOR:
        RegionMembership.objects.get_or_create(user=user, region=DEMO_REGION)
    counts[("User", "created" if created else "unchanged")] += 1


def _seed_devices(subjects: dict[str, Person], counts: Counter) -> None:
    """Register the demo vendor, its API key and the ankle monitors, once the feed app exists."""
    if not apps.is_installed("geofence"):
        return
    from .device_seeding import seed_devices

    seed_devices(subjects, counts)


def _seed_letters(counts: Counter) -> None:
    """Write the victim letter for every seeded ban that needs one, as the demo registrar would.

    Only letters that are due are written, so a second run writes nothing.
    """
    registrar = User.objects.get(username=next(u.username for u in data.USERS if u.role == Role.REGISTRAR))
    generated = letters.generate_all_due(registrar)
    if generated:
        counts[("VictimNotice", "generated")] += len(generated)
