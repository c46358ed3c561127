"""Countries and regions leave the questionnaire app for `geography` without losing a row.

State only: submissions point at `geography.Country`, then the questionnaire's own Country and
Region are forgotten. Their tables stay; `geography.0002_rename_tables` renames them.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('questionnaire', '0005_refuse_truncate'),
        ('geography', '0001_initial'),
        # Nothing may still point at questionnaire.Country when it leaves the state.
        ('accounts', '0004_move_geography_out'),
        ('scoring', '0003_move_geography_out'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='submission',
                    name='country',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='submissions', to='geography.country', verbose_name='country'),
                ),
                migrations.DeleteModel(name='Country'),
                migrations.DeleteModel(name='Region'),
            ],
            database_operations=[],
        ),
    ]
