"""Trigram and JSON indexes for the police lookup, on PostgreSQL only (a no-op on SQLite).

The folded keys are computed in Python (registry.names), so unaccent is not needed.
pg_trgm GIN indexes serve the LIKE word searches inside multi-word surname keys
(partial: only keys with a space can match, a few percent of rows) and inside
aliases; a jsonb_path_ops index serves "which lookups showed this person".
Exact and one-typo surname matches use the B-tree index on surname_key.
"""

from django.db import migrations

INDEXES = [
    # The WHERE clause matches what Django emits for surname_key__contains=" " (registry.lookup.search).
    ("registry_person_surname_words_trgm", "registry_person", "surname_key gin_trgm_ops", "surname_key::text LIKE '% %'"),
    ("registry_personalias_name_key_trgm", "registry_personalias", "name_key gin_trgm_ops", ""),
    ("registry_auditentry_person_ids_gin", "registry_auditentry", "person_ids jsonb_path_ops", ""),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression, where in INDEXES:
        partial = f" WHERE {where}" if where else ""
        # params=None: the LIKE pattern's % must reach PostgreSQL as it is, not as a placeholder.
        sql = f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression}){partial}"
        schema_editor.execute(sql, params=None)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression, _where in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
