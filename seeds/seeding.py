"""Write the demo data set into the database, idempotently.

Each row is found by a natural key (strafrechtketennummer, authority and
reference, username...). A row that exists with the same values is left
alone, so a second run writes nothing; a row whose seed values changed is
updated, with a history entry like any other change.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, time

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone

from registry.models import Ban, Decision, HistoryEntry, Person, PersonAlias, ProtectedPerson
from registry.roles import Role

from . import demo_data as data

SEED_REASON = "demodata (seed_demo)"


class DemoModeRequired(ImproperlyConfigured):
    """Raised when seeding would put public demo passwords on a production system."""


def require_demo_mode() -> None:
    """Refuse unless DEBUG is true: the demo users have published passwords."""
    if not settings.DEBUG:
        raise DemoModeRequired(
            "Demodata alleen in demomodus: zet DEBUG=true. De demogebruikers hebben openbare wachtwoorden "
            "en horen niet op een productiesysteem."
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
    return counts


def upsert(model: type[models.Model], lookup: dict, values: dict, counts: Counter) -> models.Model:
    """Return the row found by `lookup`, created or brought to `values`; save only on a difference."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        _record(obj, HistoryEntry.Action.CREATED, [])
        counts[(model.__name__, "created")] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        counts[(model.__name__, "unchanged")] += 1
        return obj
    for name in changed:
        setattr(obj, name, values[name])
    if hasattr(obj, "version"):
        obj.version += 1
    obj.save()
    _record(obj, HistoryEntry.Action.UPDATED, changed)
    counts[(model.__name__, "updated")] += 1
    return obj


def _record(obj: models.Model, action: str, changed: list[str]) -> None:
    if not isinstance(obj, Person | ProtectedPerson | Decision | Ban):
        return
    snapshot = json.loads(serializers.serialize("json", [obj]))[0]["fields"]
    HistoryEntry.objects.create(
        model=obj._meta.label_lower,
        object_id=obj.pk,
        version=getattr(obj, "version", 1),
        action=action,
        snapshot=snapshot,
        changed_fields=changed,
        reason=SEED_REASON,
    )


def _seed_subject(spec: data.SubjectSpec, counts: Counter) -> Person:
    values = {
        "given_names": spec.given_names,
        "tussenvoegsel": spec.tussenvoegsel,
        "surname": spec.surname,
        "date_of_birth": spec.date_of_birth,
        "cjib_reference": spec.cjib_reference,
    }
    person = upsert(Person, {"strafrechtketennummer": spec.key}, values, counts)
    for alias in spec.aliases:
        _, created = PersonAlias.objects.get_or_create(person=person, name=alias)
        counts[("PersonAlias", "created" if created else "unchanged")] += 1
    return person


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
    return upsert(ProtectedPerson, lookup, values, counts)


def _seed_decision(spec: data.DecisionSpec, person: Person, protected: dict, counts: Counter) -> None:
    values = {
        "person": person,
        "legal_basis": spec.legal_basis,
        "decision_date": spec.decision_date,
        "dut": spec.dut,
        "electronic_monitoring": spec.electronic_monitoring,
        "sash_risk": spec.sash_risk,
    }
    decision = upsert(Decision, {"authority": spec.authority, "reference": spec.reference}, values, counts)
    for ban_spec in spec.bans:
        ban = upsert(Ban, {"decision": decision, "kind": ban_spec.kind}, _ban_values(ban_spec, person), counts)
        wanted = {protected[key].pk for key in ban_spec.protected}
        if set(ban.protected_persons.values_list("pk", flat=True)) != wanted:
            ban.protected_persons.set(wanted)


def _ban_values(spec: data.BanSpec, person: Person) -> dict:
    shape = "polygon" if spec.polygon else ("circle" if spec.place else "")
    return {
        "person": person,
        "status": spec.status,
        "valid_from": local_midnight(spec.valid_from),
        "valid_until": local_midnight(spec.valid_until) if spec.valid_until else None,
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
    counts[("User", "created" if created else "unchanged")] += 1


def _seed_devices(subjects: dict[str, Person], counts: Counter) -> None:
    """Register the demo vendor, its API key and the ankle monitors, once the feed app exists."""
    if not apps.is_installed("geofence"):
        return
    from .device_seeding import seed_devices

    seed_devices(subjects, counts)
