"""An incident's running figures are updated in place: no index on its last fix, room left on each page.

On PostgreSQL an UPDATE that changes no indexed column and finds room on the
row's page writes no index entries (a HOT update). Every fix of an open
violation moves the incident's fix count, last fix and distances; with the
last fix indexed, each of those updates wrote an entry in all of the table's
indexes. A fill factor of 70 keeps room for the new row versions.
"""

import django.db.models.deletion
from django.db import migrations, models


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE geofence_incident SET (fillfactor = 70)")


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE geofence_incident RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("geofence", "0006_fix_device_without_constraint"),
    ]

    operations = [
        migrations.AlterField(
            model_name="incident",
            name="last_fix",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="geofence.fix",
            ),
        ),
        migrations.RunPython(leave_room, fill_pages),
    ]
