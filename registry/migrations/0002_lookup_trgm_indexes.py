"""Trigram and JSON indexes for the police lookup, on PostgreSQL only (a no-op on SQLite).

The folded keys are computed in Python (registry.names), so unaccent is not needed:
pg_trgm GIN indexes serve the LIKE word searches inside multi-word surnames and
aliases, and a jsonb_path_ops index serves "which lookups showed this person".
"""

from django.db import migrations

INDEXES = [
    ("registry_person_surname_key_trgm", "registry_person", "surname_key gin_trgm_ops"),
    ("registry_personalias_name_key_trgm", "registry_personalias", "name_key gin_trgm_ops"),
    ("registry_auditentry_person_ids_gin", "registry_auditentry", "person_ids jsonb_path_ops"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
