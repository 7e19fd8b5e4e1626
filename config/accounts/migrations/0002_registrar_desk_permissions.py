from django.db import migrations


def sync_role_groups(apps, schema_editor):
    # The registrar's desk links to device assignments: the role's group gains those permissions.
    from config.accounts.roles_setup import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_role_groups"),
        ("geofence", "0004_vendor_api_key_expiry"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
