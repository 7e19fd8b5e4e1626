"""JSON snapshots of registry rows, for history entries and change detection."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

# Kept in step by the database or by save(); never a change of their own.
DERIVED_FIELDS = frozenset({"created_at", "updated_at", "name_key", "surname_key"})
BOOKKEEPING_FIELDS = frozenset({"id", "version"})


def snapshot(obj: models.Model, related: dict[str, list] | None = None) -> dict[str, Any]:
    """Return the row's fields as JSON values; many-to-many and aliases as sorted lists.

    `related` overrides related lists not yet saved (e.g. the new protected persons).
    """
    data = {
        f.attname: jsonable(f.value_from_object(obj))
        for f in obj._meta.concrete_fields
        if f.attname not in DERIVED_FIELDS
    }
    related = related or {}
    for field in obj._meta.many_to_many:
        values = related.get(field.name)
        if values is None:
            values = list(getattr(obj, field.name).all()) if obj.pk else []
        data[field.name] = sorted(v.pk if isinstance(v, models.Model) else v for v in values)
    if hasattr(obj, "aliases") and obj._meta.model_name == "person":
        names = related.get("aliases")
        if names is None:
            names = list(obj.aliases.values_list("name", flat=True)) if obj.pk else []
        data["aliases"] = sorted(names)
    return data


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Return the names of fields whose value differs, ignoring id and version."""
    keys = (set(before) | set(after)) - BOOKKEEPING_FIELDS
    return sorted(k for k in keys if before.get(k) != after.get(k))


def jsonable(value: Any) -> Any:
    """Return value as JSON, datetimes in UTC so equal instants compare equal."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
