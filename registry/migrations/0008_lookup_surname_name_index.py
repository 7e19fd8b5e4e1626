"""An index on (surname key, full name key) for the police lookup, on PostgreSQL only (a no-op on SQLite).

A surname thousands of persons share is searched together with the typed given
name: `surname_key = ANY(...) AND name_key LIKE 'jan %'` is then one range scan
per given name (the pattern operator class serves LIKE prefixes in any collation).
The identifier and date of birth are included, so the search reads the index alone
once the table is vacuumed.
"""

from django.db import migrations

INDEX = "registry_person_surname_name_lookup"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_person "
        "(surname_key, name_key varchar_pattern_ops) INCLUDE (id, date_of_birth)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_region_membership"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
