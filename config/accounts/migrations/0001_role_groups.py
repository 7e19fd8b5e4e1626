from django.db import migrations


def create_role_groups(apps, schema_editor):
    from config.accounts.roles_setup import sync_role_groups

    sync_role_groups(apps, skip_missing=True)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("registry", "0002_lookup_trgm_indexes"),
        ("geofence", "0002_devicestatus_last_fix_without_constraint"),
        ("alerts", "0002_outcome_choices_and_worker_heartbeat"),
        ("letters", "0001_victim_notices"),
        ("reports", "0001_violation_reports"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
