"""Devices are found by their device id alone: every feed request did a sequential scan of the device table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("geofence", "0007_incident_running_figures_in_place"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="device",
            index=models.Index(fields=["device_id"], name="device_device_id_idx"),
        ),
    ]
