"""An index on persons' date of birth: a lookup with a date ranks everyone born that day (a few dozen).

Plain SQL on both databases, outside the model state: the index serves only the
police lookup (registry.lookup.search) and no model field changes.
"""

from django.db import migrations

INDEX = "registry_person_dob_lookup"


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_ban_term_justification"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_person (date_of_birth)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
