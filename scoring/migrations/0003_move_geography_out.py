"""Score records and published results point at `geography.Country` (same table, same rows).

State only: the `country_id` columns keep their values, and their foreign keys follow the renamed
table in the database; the append-only triggers on these tables are untouched.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('scoring', '0002_append_only_triggers'),
        ('geography', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='scorerecord',
                    name='country',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='score_records', to='geography.country', verbose_name='country'),
                ),
                migrations.AlterField(
                    model_name='publishedresult',
                    name='country',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='published_results', to='geography.country', verbose_name='country'),
                ),
            ],
            database_operations=[],
        ),
    ]
