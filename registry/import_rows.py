"""Import one decision through the services, in its own savepoint: the path for updates and anything unusual.

Idempotent by (authority, reference): a decision whose content matches the
registry changes nothing and counts as unchanged. New decisions usually go in
bulk (registry/import_bulk.py); this path takes the rest, and every row of a
chunk whose bulk write failed.
"""

from collections import Counter, defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError as DrfValidationError

from config.jsonsafety import storable

from . import services
from .import_formats import ImportRow, RowError
from .import_seen import SeenKeys
from .import_serializers import ImportDecisionSerializer, flatten_errors
from .lifecycle import FINAL_STATUSES, IllegalTransition, action_between
from .models import BanStatus, Decision, Person, ProtectedPerson, RejectedRow
from .names import full_name_key
from .validators import creation_status_problem

# Values a ban field takes when the file leaves it out, so a dropped field is cleared on update.
BAN_DEFAULTS: dict[str, Any] = {
    "valid_until": None,
    "contact_modes": [],
    "zone_shape": "",
    "centre_lat": None,
    "centre_lon": None,
    "radius_m": None,
    "zone_geojson": None,
    "zone_description": "",
    "time_windows": [],
    "term_justification": "",
}
PERSON_IDENTIFIERS = ("strafrechtketennummer", "bsn")


class RowRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("; ".join(e.message for e in errors))


class RowContext:
    """What the rows of one import share: who, which file, one validator, the keys seen so far."""

    def __init__(self, batch, user) -> None:
        self.batch, self.user = batch, user
        self.serializer = ImportDecisionSerializer()  # fields built once, reused for every row
        self.seen = SeenKeys()  # (authority, reference) -> first line

    def reason(self, row: ImportRow) -> str:
        return f"import {self.batch.filename} line {row.line}"

    def validate(self, row: ImportRow) -> dict:
        """Return the row's validated data, or raise RowRejected with every error at its line."""
        if row.errors:
            raise RowRejected(list(row.errors))
        try:
            return dict(self.serializer.run_validation(row.data))
        except DrfValidationError as exc:
            errors = [RowError(row.line_of(p), p, c, m) for p, c, m in flatten_errors(exc.detail)]
            raise RowRejected(errors) from None

    def refuse_duplicate(self, row: ImportRow, data: dict) -> None:
        key = (data["authority"], data["reference"])
        first = self.seen.first_line(key)
        if first is not None:
            message = _("Kenmerk %(ref)s staat al op regel %(line)s van dit bestand.") % {
                "ref": data["reference"],
                "line": first,
            }
            raise RowRejected([RowError(row.line, "reference", "duplicate_reference", str(message))])
        self.seen.add(key, row.line)


def rejected_row(batch, row: ImportRow, errors: list[RowError]) -> RejectedRow:
    errors = sorted(errors, key=lambda e: e.line)
    errors_json = storable([e.as_dict() for e in errors])
    return RejectedRow(batch=batch, line=errors[0].line, raw=storable(row.raw), errors=errors_json)


def import_row(ctx: RowContext, row: ImportRow, data: dict | None = None) -> str:
    """Import one decision in a savepoint; return created, updated, unchanged or rejected."""
    try:
        if data is None:
            data = ctx.validate(row)
            ctx.refuse_duplicate(row, data)
        with transaction.atomic():
            return _apply_row(ctx, row, dict(data))
    except RowRejected as exc:
        errors = exc.errors
    except IllegalTransition as exc:
        errors = [RowError(row.line, "bans.status", exc.code, str(exc))]
    except ValidationError as exc:
        errors = [RowError(row.line, f, "invalid", m) for f, ms in _message_dict(exc).items() for m in ms]
    rejected_row(ctx.batch, row, errors).save()
    return "rejected"


def _apply_row(ctx: RowContext, row: ImportRow, data: dict) -> str:
    user, reason = ctx.user, ctx.reason(row)
    bans, person_data = data.pop("bans"), dict(data.pop("person"))
    person, person_changed = _upsert_person(person_data, user, reason, row)
    decision = Decision.objects.filter(authority=data["authority"], reference=data["reference"]).first()
    if decision is None:
        decision = services.create_decision(user=user, reason=reason, person=person, **data)
        _sync_bans(decision, bans, user, reason, row)
        return "created"
    if decision.person_id != person.pk:
        message = _("Beslissing %(ref)s hoort bij een andere persoon (%(name)s).") % {
            "ref": decision.reference,
            "name": decision.person.full_name,
        }
        raise RowRejected([RowError(row.line, "person", "person_mismatch", str(message))])
    _decision, decision_changed = services.update_decision(decision.pk, user=user, reason=reason, **data)
    bans_changed = _sync_bans(decision, bans, user, reason, row)
    return "updated" if (person_changed or decision_changed or bans_changed) else "unchanged"


def _upsert_person(data: dict, user, reason: str, row: ImportRow) -> tuple[Person, bool]:
    """Find the person by strafrechtketennummer, else BSN, else name and date of birth; create or update."""
    aliases = data.pop("aliases", None) or []
    person = _match_person(data, row)
    if person is None:
        return services.create_person(user=user, reason=reason, aliases=aliases, **data), True
    changes = {k: v for k, v in data.items() if v not in ("", None) and getattr(person, k) != v}
    known = set(person.aliases.values_list("name", flat=True))
    new_aliases = sorted(known | set(aliases)) if set(aliases) - known else None
    person, changed = services.update_person(person.pk, user=user, reason=reason, aliases=new_aliases, **changes)
    return person, bool(changed)


def _match_person(data: dict, row: ImportRow) -> Person | None:
    """Find the row's person by an identifier, else by name and date of birth; refuse conflicting identifiers.

    A match never overwrites an identifier: a row whose strafrechtketennummer or BSN differs from the
    found person's is a different person with the same name, or a typing error; either way a registrar decides.
    """
    person = _match_by_identifier(data)
    if person is None and data.get("date_of_birth"):
        person = one_by_name(_by_name(data), row)
    if person is not None:
        refuse_conflicting_identifiers(person, data, row)
    return person


def _match_by_identifier(data: dict) -> Person | None:
    for field in PERSON_IDENTIFIERS:
        if data.get(field):
            found = Person.objects.filter(**{field: data[field]}).first()
            if found is not None:
                return found
    return None


def _by_name(data: dict) -> list[Person]:
    key = full_name_key(data.get("given_names", ""), data.get("tussenvoegsel", ""), data.get("surname", ""))
    return list(Person.objects.filter(name_key=key, date_of_birth=data["date_of_birth"])[:2])


def one_by_name(found: list, row: ImportRow):
    """Return the only person of a name and date-of-birth match, None for none; refuse several."""
    if len(found) > 1:
        message = _("Meerdere personen met deze naam en geboortedatum; geef een strafrechtketennummer of BSN.")
        raise RowRejected([RowError(row.line, "person", "person_ambiguous", str(message))])
    return found[0] if found else None


def refuse_conflicting_identifiers(person: Person, data: dict, row: ImportRow) -> None:
    errors = []
    for field in PERSON_IDENTIFIERS:
        known, given = getattr(person, field), data.get(field)
        if known and given and known != given:
            message = _(
                "%(field)s %(given)s verschilt van %(known)s van de gevonden persoon %(name)s (%(id)s); "
                "ter beoordeling, niet samengevoegd."
            ) % {
                "field": field,
                "given": given,
                "known": known,
                "name": person.full_name,
                "id": person.pk or _("nieuw"),
            }
            errors.append(RowError(row.line, f"person.{field}", "person_identifier_conflict", str(message)))
    if errors:
        raise RowRejected(errors)


def _upsert_protected(data: dict, user, reason: str) -> tuple[ProtectedPerson, bool]:
    match = {f"{k}__iexact": data.get(k, "") for k in ("given_names", "tussenvoegsel", "surname")}
    found = ProtectedPerson.objects.filter(**match, date_of_birth=data.get("date_of_birth")).first()
    if found is None:
        return services.create_protected_person(user=user, reason=reason, **data), True
    changes = {k: v for k, v in data.items() if v not in ("", None) and getattr(found, k) != v}
    found, changed = services.update_protected_person(found.pk, user=user, reason=reason, **changes)
    return found, bool(changed)


def _sync_bans(decision: Decision, bans: list[dict], user, reason: str, row: ImportRow) -> bool:
    """Pair the file's bans with the stored ones by kind and order; create, update or revoke. Return changed."""
    stored = defaultdict(list)
    for ban in decision.bans.order_by("pk"):
        stored[ban.kind].append(ban)
    seen: Counter = Counter()
    changed = False
    for index, item in enumerate(bans):
        item = dict(item)
        protected = []
        for data in item.pop("protected_persons", []):
            person, person_changed = _upsert_protected(dict(data), user, reason)
            protected.append(person)
            changed |= person_changed
        status = item.pop("status", None)
        fields = {**BAN_DEFAULTS, **item}
        position = seen[item["kind"]]
        seen[item["kind"]] += 1
        if position < len(stored[item["kind"]]):
            ban = stored[item["kind"]][position]
            changed |= _update_ban(ban, fields, protected, status, user, reason)
        else:
            _create_ban(decision, fields, protected, status, user, reason, row.line_of(f"bans[{index}]"))
            changed = True
    for kind, kept in stored.items():
        for ban in kept[seen[kind] :]:
            if ban.status not in FINAL_STATUSES:
                services.revoke_ban(ban.pk, user=user, reason=f"{reason}: verbod staat niet meer in de beslissing")
                changed = True
    return changed


def _update_ban(ban, fields: dict, protected: list, status: str | None, user, reason: str) -> bool:
    _ban, changed = services.update_ban(ban.pk, user=user, reason=reason, protected_persons=protected, **fields)
    ban.refresh_from_db()
    action = action_between(ban.status, status) if status else None
    if action:
        services.change_ban_status(ban.pk, action, user=user, reason=reason)
    return bool(changed) or action is not None


def _create_ban(decision, fields: dict, protected: list, status: str | None, user, reason: str, line: int) -> None:
    status = status or BanStatus.ACTIVE
    problem = creation_status_problem(status)
    if problem:
        raise RowRejected([RowError(line, "bans.status", "invalid_status", problem)])
    services.create_ban(
        user=user,
        reason=reason,
        decision=decision,
        person=decision.person,
        status=status,
        protected_persons=protected,
        **fields,
    )


def _message_dict(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
