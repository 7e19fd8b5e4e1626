"""The write path of the registry: every change to a person, decision or ban goes through here.

Each write runs in one transaction, locks the row it changes, bumps its
version and appends a HistoryEntry with the full snapshot, who, when and why.
Nothing is overwritten without the previous state staying in the history.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from .lifecycle import FINAL_STATUSES, HISTORY_ACTION, TRANSITIONS, IllegalTransition, target_status
from .models import Ban, Decision, HistoryEntry, Person, PersonAlias, PoliceRegion, ProtectedPerson
from .regions import region_of_ban
from .signals import ban_region_chosen
from .snapshots import changed_fields, snapshot
from .terms import open_bans_problems
from .validators import normalise_ban

Action = HistoryEntry.Action


def create_person(*, user, reason: str = "", aliases: Iterable[str] = (), **fields: Any) -> Person:
    """Create a person with aliases and record the first history entry."""
    return _create(Person, user=user, reason=reason, related={"aliases": list(aliases)}, fields=fields)


def update_person(pk: int, *, user, reason: str, aliases: Iterable[str] | None = None, **changes: Any):
    """Change a person; return (person, changed field names)."""
    related = {"aliases": list(aliases)} if aliases is not None else {}
    return _update(Person, pk, user=user, reason=reason, related=related, changes=changes)


def create_protected_person(*, user, reason: str = "", **fields: Any) -> ProtectedPerson:
    return _create(ProtectedPerson, user=user, reason=reason, related={}, fields=fields)


def update_protected_person(pk: int, *, user, reason: str, **changes: Any):
    return _update(ProtectedPerson, pk, user=user, reason=reason, related={}, changes=changes)


def create_decision(*, user, reason: str = "", **fields: Any) -> Decision:
    return _create(Decision, user=user, reason=reason, related={}, fields=fields)


def update_decision(pk: int, *, user, reason: str, **changes: Any):
    """Change a decision's own fields; return (decision, changed field names).

    A new legal basis must fit the decision's open bans: their terms and scope follow from it.
    """
    basis = changes.get("legal_basis")
    if basis is not None and not Decision.objects.filter(pk=pk, legal_basis=basis).exists():
        problems = open_bans_problems(pk, basis)
        if problems:
            raise ValidationError({"legal_basis": problems})
    return _update(Decision, pk, user=user, reason=reason, related={}, changes=changes)


def create_ban(
    *,
    user,
    reason: str = "",
    protected_persons: Iterable[ProtectedPerson] = (),
    region: str = "",
    **fields: Any,
) -> Ban:
    """Create a ban after checking its cross-field rules; record the first history entry.

    `region`: the monitoring region whose operators watch the ban ("" leaves it to a supervisor).
    """
    protected = list(protected_persons)
    _check_ban({**fields, "protected_persons": protected}, fields)
    _check_region(region)
    related = {"protected_persons": protected, **({"region": region} if region else {})}
    return _create(Ban, user=user, reason=reason, related=related, fields=fields)


def update_ban(
    pk: int,
    *,
    user,
    reason: str,
    protected_persons: Iterable[ProtectedPerson] | None = None,
    region: str | None = None,
    **changes,
):
    """Change a ban that is not ended or revoked; return (ban, changed field names).

    `region` given: the ban's monitoring region becomes it ("" takes it away), recorded as a change.
    """
    if "status" in changes:
        raise ValidationError({"status": [_("Wijzig de status met een actie (suspend, reinstate, revoke, end).")]})
    related = {"protected_persons": list(protected_persons)} if protected_persons is not None else {}
    if region is not None:
        _check_region(region)
        related["region"] = region
    return _update(Ban, pk, user=user, reason=reason, related=related, changes=changes)


def change_ban_status(pk: int, action: str, *, user, reason: str) -> Ban:
    """Apply a lifecycle action (activate, suspend, reinstate, revoke, end) to one ban."""
    _require_reason(reason)
    with transaction.atomic():
        ban = Ban.objects.select_for_update().get(pk=pk)
        ban.status = target_status(action, ban.status)
        ban.version += 1
        ban.save()
        _record(ban, HISTORY_ACTION[action], user, reason, ["status"])
    return ban


def suspend_ban(pk: int, *, user, reason: str) -> Ban:
    return change_ban_status(pk, "suspend", user=user, reason=reason)


def reinstate_ban(pk: int, *, user, reason: str) -> Ban:
    return change_ban_status(pk, "reinstate", user=user, reason=reason)


def revoke_ban(pk: int, *, user, reason: str) -> Ban:
    return change_ban_status(pk, "revoke", user=user, reason=reason)


def end_ban(pk: int, *, user, reason: str) -> Ban:
    return change_ban_status(pk, "end", user=user, reason=reason)


def change_decision_status(pk: int, action: str, *, user, reason: str) -> Decision:
    """Apply an action to every ban of the decision that allows it; refuse when none does."""
    _require_reason(reason)
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=pk)
        bans = list(decision.bans.select_for_update().order_by("pk"))
        movable = [ban for ban in bans if ban.status in _sources(action)]
        if not movable:
            raise IllegalTransition(action, ", ".join(sorted({b.status for b in bans})) or "-")
        for ban in movable:
            change_ban_status(ban.pk, action, user=user, reason=reason)
        decision.version += 1
        decision.save()
        _record(decision, HISTORY_ACTION[action], user, reason, ["bans"])
    return decision


def history_of(obj: models.Model):
    """Return the history entries of one row, oldest first."""
    return HistoryEntry.objects.filter(model=obj._meta.label_lower, object_id=obj.pk).order_by("version", "pk")


def _sources(action: str) -> frozenset[str]:
    return TRANSITIONS[action][0]


def _create(model: type[models.Model], *, user, reason: str, related: dict, fields: dict) -> Any:
    with transaction.atomic():
        obj = model(**fields)
        obj.save()
        _save_related(obj, related)
        _record(obj, Action.CREATED, user, reason, [])
    return obj


def _update(model: type[models.Model], pk: int, *, user, reason: str, related: dict, changes: dict):
    _require_reason(reason)
    with transaction.atomic():
        obj = model.objects.select_for_update().get(pk=pk)
        before = snapshot(obj)
        for name, value in changes.items():
            setattr(obj, name, value)
        if isinstance(obj, Ban):
            protected = related.get("protected_persons", list(obj.protected_persons.all()))
            _check_ban({**_field_values(obj), "protected_persons": protected}, changes)
            for name in ("zone_shape", "radius_m", "contact_modes"):
                setattr(obj, name, changes.get(name, getattr(obj, name)))
        changed = changed_fields(before, snapshot(obj, related))
        if "region" in related:
            if related["region"] != region_of_ban(obj):
                changed.append("region")
            else:
                related = {name: value for name, value in related.items() if name != "region"}
        if not changed:
            return obj, []
        if isinstance(obj, Ban) and obj.status in FINAL_STATUSES:
            raise IllegalTransition("update", obj.status)
        if hasattr(obj, "version"):
            obj.version += 1
        obj.save()
        _save_related(obj, related)
        _record(obj, Action.UPDATED, user, reason, changed)
    return obj, changed


def _check_ban(state: dict, target: dict) -> None:
    """Validate a ban's full state; copy the defaults it fills in (shape, radius, modes) to `target`."""
    errors = normalise_ban(state)
    if errors:
        raise ValidationError(errors)
    for name in ("zone_shape", "radius_m", "contact_modes"):
        if name in state:
            target[name] = state[name]


def _field_values(obj: models.Model) -> dict:
    return {f.name: getattr(obj, f.name) for f in obj._meta.concrete_fields}


def _check_region(region: str) -> None:
    if region and region not in PoliceRegion.values:
        raise ValidationError({"region": [_("Onbekende regio: %(region)s.") % {"region": region}]})


def _save_related(obj: models.Model, related: dict) -> None:
    if "region" in related:  # only a region that changes comes this far (create_ban, _update)
        ban_region_chosen.send(sender=Ban, ban=obj, region=related["region"])
    if "protected_persons" in related:
        obj.protected_persons.set(related["protected_persons"])
    if "aliases" in related:
        wanted = set(related["aliases"])
        obj.aliases.exclude(name__in=wanted).delete()
        existing = set(obj.aliases.values_list("name", flat=True))
        for name in sorted(wanted - existing):
            PersonAlias.objects.create(person=obj, name=name)


def _record(obj: models.Model, action: str, user, reason: str, changed: list[str]) -> HistoryEntry:
    return HistoryEntry.objects.create(
        model=obj._meta.label_lower,
        object_id=obj.pk,
        version=getattr(obj, "version", None) or _next_version(obj),
        action=action,
        snapshot=snapshot(obj),
        changed_fields=changed,
        changed_by=user if user is not None and user.is_authenticated else None,
        reason=reason,
    )


def _next_version(obj: models.Model) -> int:
    latest = history_of(obj).aggregate(latest=Max("version"))["latest"]
    return (latest or 0) + 1


def _require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Geef een reden op voor deze wijziging.")]})
