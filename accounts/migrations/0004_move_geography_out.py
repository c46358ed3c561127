"""A user's countries and regions are now `geography` models (same tables, same rows).

State only: the many-to-many tables and their columns keep their names, and their foreign keys
follow the renamed tables in the database.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_user_manager'),
        ('geography', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='user',
                    name='countries',
                    field=models.ManyToManyField(blank=True, help_text='The countries whose questionnaire this focal point answers.', related_name='focal_points', to='geography.country', verbose_name='countries (focal point)'),
                ),
                migrations.AlterField(
                    model_name='user',
                    name='regions',
                    field=models.ManyToManyField(blank=True, help_text='Leave empty for an analyst who reviews every country.', related_name='analysts', to='geography.region', verbose_name='regions (analyst)'),
                ),
            ],
            database_operations=[],
        ),
    ]
