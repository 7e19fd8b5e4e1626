"""Audit entries are sealed apart from their insert: each gets its place in the chain (`position`) then.

Entries chained before this migration keep their hashes; their place is their insertion order. On
PostgreSQL the append-only trigger now lets one UPDATE through per entry: the sealing, which sets
`position`, `prev_hash` and `hash` on an unsealed entry and leaves its content as it was.
"""

from django.db import migrations, models

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION registry_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND COALESCE((SELECT purging FROM registry_auditchainhead WHERE id = 1), false) THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.position IS NULL AND NEW.position IS NOT NULL
        AND (NEW.id, NEW.actor_id, NEW.actor_name, NEW.action, NEW.at, NEW.target_type, NEW.target_id,
             NEW.person_ids, NEW.protected_person_ids, NEW.details)
        IS NOT DISTINCT FROM
            (OLD.id, OLD.actor_id, OLD.actor_name, OLD.action, OLD.at, OLD.target_type, OLD.target_id,
             OLD.person_ids, OLD.protected_person_ids, OLD.details) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'registry_auditentry is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""

PREVIOUS_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION registry_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND COALESCE((SELECT purging FROM registry_auditchainhead WHERE id = 1), false) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'registry_auditentry is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""

NUMBER_CHAINED_ENTRIES = """
UPDATE registry_auditentry SET position = numbered.place
FROM (SELECT id, row_number() OVER (ORDER BY id) AS place FROM registry_auditentry) AS numbered
WHERE registry_auditentry.id = numbered.id
"""


def number_chained_entries(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute("ALTER TABLE registry_auditentry DISABLE TRIGGER registry_auditentry_append_only")
    schema_editor.execute(NUMBER_CHAINED_ENTRIES)
    schema_editor.execute(
        "UPDATE registry_auditchainhead SET position = (SELECT count(*) FROM registry_auditentry) WHERE id = 1"
    )
    if postgresql:
        schema_editor.execute("ALTER TABLE registry_auditentry ENABLE TRIGGER registry_auditentry_append_only")
        schema_editor.execute(TRIGGER_FUNCTION, params=None)


def restore_trigger_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS_TRIGGER_FUNCTION, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0008_lookup_surname_name_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="position",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="position",
            field=models.BigIntegerField(editable=False, null=True, unique=True),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(
                condition=models.Q(("position__isnull", True)), fields=["id"], name="registry_auditentry_unsealed"
            ),
        ),
        migrations.RunPython(number_chained_entries, restore_trigger_function),
    ]
