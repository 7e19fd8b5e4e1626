from django.db import migrations


def sync_role_groups(apps, schema_editor):
    # The registrar's desk links to device assignments: the role's group gains those permissions. Permissions
    # of models that later migrations add are set by the sync after every migrate (accounts/apps.py).
    from config.accounts.roles_setup import sync_role_groups

    sync_role_groups(apps, skip_missing=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_role_groups"),
        ("geofence", "0004_vendor_api_key_expiry"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
