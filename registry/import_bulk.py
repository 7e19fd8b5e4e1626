"""Import new decisions in bulk: one lookup of persons per chunk, bulk inserts, history rows in bulk.

The same rules as the row path (registry/import_rows.py), decided in memory:
a person is found by strafrechtketennummer, else BSN, else name and date of
birth; identifiers that conflict with the found person reject the row; a
person is never merged. A row the bulk path cannot take alone (its decision
exists, or a found person or protected person would change) goes through
the row path, after the rows planned before it are written.
"""

from collections import Counter, defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Upper

from .db import copy_rows, insert_rows
from .import_formats import ImportRow, RowError
from .import_rows import (
    BAN_DEFAULTS,
    PERSON_IDENTIFIERS,
    RowContext,
    RowRejected,
    import_row,
    one_by_name,
    refuse_conflicting_identifiers,
    rejected_row,
)
from .models import Ban, BanStatus, Decision, HistoryEntry, Person, PersonAlias, ProtectedPerson, RejectedRow
from .names import full_name_key
from .signals import decisions_imported
from .snapshots import snapshot
from .validators import creation_status_problem, normalise_ban

PROTECTED_KEY_FIELDS = ("given_names", "tussenvoegsel", "surname")


def import_chunk(ctx: RowContext, rows: list[ImportRow]) -> Counter:
    """Import a chunk of decisions inside the caller's transaction; return the outcome counts."""
    outcomes: Counter = Counter()
    rejected: list[RejectedRow] = []
    valid = []
    for row in rows:
        try:
            data = ctx.validate(row)
            ctx.refuse_duplicate(row, data)
        except RowRejected as exc:
            rejected.append(rejected_row(ctx.batch, row, exc.errors))
            continue
        valid.append((row, data))
    existing = set(
        Decision.objects.filter(reference__in={d["reference"] for _, d in valid}).values_list("authority", "reference")
    )
    plan = Plan(ctx)
    for index, (row, data) in enumerate(valid):
        if plan.people is None:
            plan.load([d for _, d in valid[index:]])
        try:
            taken = (data["authority"], data["reference"]) not in existing and plan.add(row, data)
        except RowRejected as exc:
            rejected.append(rejected_row(ctx.batch, row, exc.errors))
            continue
        if taken:
            outcomes["created"] += 1
            continue
        plan.write()
        outcomes[import_row(ctx, row, data)] += 1
        plan.people = None  # the row path may have changed persons: look them up again
    plan.write()
    RejectedRow.objects.bulk_create(rejected)
    outcomes["rejected"] += len(rejected)
    return outcomes


class PersonIndex:
    """The persons a chunk can match, from the database and planned in this chunk, by each matching key."""

    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, Person]] = {f: {} for f in PERSON_IDENTIFIERS}
        self.by_name: dict[tuple, list[Person]] = defaultdict(list)
        self.aliases: dict[int, set[str]] = {}  # id(person) -> alias names

    def load(self, people: list[dict]) -> None:
        wanted = Q(pk__in=[])
        for field in PERSON_IDENTIFIERS:
            values = {p[field] for p in people if p.get(field)}
            wanted |= Q(**{f"{field}__in": values}) if values else Q(pk__in=[])
        dated = [p for p in people if p.get("date_of_birth")]
        if dated:
            wanted |= Q(
                name_key__in={_name_key(p) for p in dated}, date_of_birth__in={p["date_of_birth"] for p in dated}
            )
        found = list(Person.objects.filter(wanted).order_by(*Person._meta.ordering, "pk"))
        names = defaultdict(set)
        for person_id, name in PersonAlias.objects.filter(person__in=found).values_list("person_id", "name"):
            names[person_id].add(name)
        for person in found:
            self.add(person, names[person.pk])

    def add(self, person: Person, aliases) -> None:
        for field in PERSON_IDENTIFIERS:
            if getattr(person, field):
                self.by_id[field].setdefault(getattr(person, field), person)
        if person.date_of_birth:
            self.by_name[(person.name_key, person.date_of_birth)].append(person)
        self.aliases[id(person)] = set(aliases)

    def match(self, data: dict, row: ImportRow) -> Person | None:
        """Return the row's person as the row path would find it; raise RowRejected as it would."""
        person = next((self.by_id[f][data[f]] for f in PERSON_IDENTIFIERS if data.get(f) in self.by_id[f]), None)
        if person is None and data.get("date_of_birth"):
            person = one_by_name(self.by_name.get((_name_key(data), data["date_of_birth"]), []), row)
        if person is not None:
            refuse_conflicting_identifiers(person, data, row)
        return person


class ProtectedIndex:
    """Protected persons by names (case ignored) and date of birth, from the database and planned."""

    def __init__(self) -> None:
        self.by_key: dict[tuple, ProtectedPerson] = {}

    def load(self, people: list[dict]) -> None:
        surnames = {str(p.get("surname", "")).upper() for p in people}
        if not surnames:
            return
        found = ProtectedPerson.objects.annotate(surname_upper=Upper("surname")).filter(surname_upper__in=surnames)
        for person in found.order_by(*ProtectedPerson._meta.ordering, "pk"):
            self.by_key.setdefault(_protected_key(person.__dict__), person)

    def match(self, data: dict) -> ProtectedPerson | None:
        return self.by_key.get(_protected_key(data))

    def add(self, person: ProtectedPerson) -> None:
        self.by_key.setdefault(_protected_key(person.__dict__), person)


class Plan:
    """New rows of a chunk waiting to be written together, in the order the row path would create them."""

    def __init__(self, ctx: RowContext) -> None:
        self.ctx = ctx
        self.people: PersonIndex | None = None
        self.protected = ProtectedIndex()
        self._clear()

    def _clear(self) -> None:
        self.new_people: list[tuple[Person, list[str], str]] = []
        self.new_protected: list[tuple[ProtectedPerson, str]] = []
        self.decisions: list[tuple[Decision, str]] = []
        self.bans: list[tuple[Ban, list[ProtectedPerson], str]] = []

    def load(self, datas: list[dict]) -> None:
        self.people, self.protected = PersonIndex(), ProtectedIndex()
        self.people.load([d["person"] for d in datas])
        self.protected.load([p for d in datas for b in d["bans"] for p in b.get("protected_persons", [])])

    def add(self, row: ImportRow, data: dict) -> bool:
        """Plan a new decision; return False when the row path must take it, raise RowRejected for a bad row."""
        data = dict(data)
        person_data = dict(data.pop("person"))
        aliases = person_data.pop("aliases", None) or []
        person = self.people.match(person_data, row)
        if person is not None and (_changes(person, person_data) or set(aliases) - self.people.aliases[id(person)]):
            return False
        bans_data = data.pop("bans")
        new_protected: dict[tuple, ProtectedPerson] = {}
        bans = []
        for index, item in enumerate(bans_data):
            protected = []
            for pdata in item.get("protected_persons", []):
                key = _protected_key(pdata)
                found = new_protected.get(key) or self.protected.match(pdata)
                if found is not None and _changes(found, pdata):
                    return False
                if found is None:
                    found = new_protected[key] = ProtectedPerson(**pdata)
                protected.append(found)
            bans.append((_new_ban(item, protected, row, index), protected))
        reason = self.ctx.reason(row)
        if person is None:
            person = Person(**person_data)
            person.refresh_keys()
            self.people.add(person, aliases)
            self.new_people.append((person, sorted(set(aliases)), reason))
        for found in new_protected.values():
            self.protected.add(found)
            self.new_protected.append((found, reason))
        decision = Decision(person=person, **data)
        self.decisions.append((decision, reason))
        for ban, protected in bans:
            ban.decision, ban.person = decision, person
            self.bans.append((ban, protected, reason))
        return True

    def write(self) -> None:
        """Insert everything planned, with its history rows; tell the receivers of decisions_imported."""
        if not self.decisions:
            return
        insert_rows(ProtectedPerson, [p for p, _ in self.new_protected])
        insert_rows(Person, [p for p, _, _ in self.new_people])
        copy_rows(PersonAlias, [_alias(person, name) for person, names, _ in self.new_people for name in names])
        insert_rows(Decision, [d for d, _ in self.decisions])
        insert_rows(Ban, [b for b, _, _ in self.bans])
        through = Ban.protected_persons.through
        copy_rows(
            through, [through(ban_id=b.pk, protectedperson_id=p.pk) for b, protected, _ in self.bans for p in protected]
        )
        copy_rows(HistoryEntry, self._history())
        bans = [b for b, _, _ in self.bans]
        protected_of = {b: protected for b, protected, _ in self.bans}
        decisions_imported.send(
            sender=Ban, bans=bans, protected_of=protected_of, person_ids={b.person_id for b in bans}
        )
        self._clear()

    def _history(self) -> list[HistoryEntry]:
        user = self.ctx.user if self.ctx.user is not None and self.ctx.user.is_authenticated else None
        entries = [(p, snapshot(p, {}), r) for p, r in self.new_protected]
        entries += [(p, snapshot(p, {"aliases": names}), r) for p, names, r in self.new_people]
        entries += [(d, snapshot(d, {}), r) for d, r in self.decisions]
        entries += [(b, snapshot(b, {"protected_persons": pp}), r) for b, pp, r in self.bans]
        return [
            HistoryEntry(
                model=obj._meta.label_lower,
                object_id=obj.pk,
                version=getattr(obj, "version", None) or 1,
                action=HistoryEntry.Action.CREATED,
                snapshot=state,
                changed_fields=[],
                changed_by=user,
                reason=reason,
            )
            for obj, state, reason in entries
        ]


def _new_ban(item: dict, protected: list, row: ImportRow, index: int) -> Ban:
    """Return an unsaved ban after the checks services.create_ban makes; raise RowRejected for a bad one."""
    item = {k: v for k, v in item.items() if k != "protected_persons"}
    status = item.pop("status", None) or BanStatus.ACTIVE
    problem = creation_status_problem(status)
    if problem:
        raise RowRejected([RowError(row.line_of(f"bans[{index}]"), "bans.status", "invalid_status", problem)])
    fields: dict[str, Any] = {**BAN_DEFAULTS, **item}
    state = {**fields, "protected_persons": protected}
    errors = normalise_ban(state)
    if errors:
        messages = ValidationError(errors).message_dict
        raise RowRejected([RowError(row.line, f, "invalid", m) for f, ms in messages.items() for m in ms])
    for name in ("zone_shape", "radius_m", "contact_modes"):
        if name in state:
            fields[name] = state[name]
    return Ban(status=status, **fields)


def _changes(obj, data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in ("", None) and getattr(obj, k) != v}


def _name_key(data: dict) -> str:
    return full_name_key(data.get("given_names", ""), data.get("tussenvoegsel", ""), data.get("surname", ""))


def _protected_key(data: dict) -> tuple:
    return (*(str(data.get(k) or "").upper() for k in PROTECTED_KEY_FIELDS), data.get("date_of_birth"))


def _alias(person: Person, name: str) -> PersonAlias:
    alias = PersonAlias(person=person, name=name)
    alias.set_keys()
    return alias
