"""The fix's device loses its database constraint: the deferred check per fix weighed on every feed commit."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("geofence", "0005_fix_partitioned_by_month"),
    ]

    operations = [
        migrations.AlterField(
            model_name="fix",
            name="device",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="fixes",
                to="geofence.device",
            ),
        ),
    ]
