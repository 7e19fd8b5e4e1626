"""The registry's SQL that differs between PostgreSQL and SQLite, behind functions named for what they do."""

from django.db import connection
from django.db.models import QuerySet


def any_of_sql(lhs: str, params: list, values: list, vendor: str) -> tuple[str, list]:
    """Return SQL testing `lhs` against a list: one array parameter on PostgreSQL, an IN list elsewhere."""
    if vendor == "postgresql":
        return f"{lhs} = ANY(%s)", [*params, values]
    return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*params, *values]


def rows_listing_id(queryset: QuerySet, field: str, value: int) -> QuerySet:
    """Return the rows whose JSON list `field` holds `value` (jsonb containment on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return queryset.filter(**{f"{field}__contains": [value]})
    # SQLite has no JSON containment lookup: test membership with json_each.
    table = queryset.model._meta.db_table
    where = f"EXISTS (SELECT 1 FROM json_each({table}.{field}) WHERE json_each.value = %s)"  # noqa: S608
    return queryset.extra(where=[where], params=[value])  # noqa: S610
