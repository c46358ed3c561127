"""Countries and regions join the `geography` app, on the tables the questionnaire app created.

Only the migration state changes here: the models are declared on their existing tables
(`questionnaire_region`, `questionnaire_country`), so no row moves and every state along the way
names a table that exists. `0002_rename_tables` gives them their own table names once
questionnaire, accounts and scoring point at the new models.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # The tables were created there.
        ('questionnaire', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Region',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('m49', models.CharField(max_length=3, verbose_name='M49 code')),
                        ('kind', models.CharField(choices=[('world', 'World'), ('sdg', 'SDG region'), ('m49_region', 'M49 region'), ('m49_subregion', 'M49 sub-region'), ('m49_intermediate', 'M49 intermediate region')], max_length=20, verbose_name='kind')),
                        ('name', models.CharField(max_length=200, verbose_name='name (English)')),
                        ('name_fr', models.CharField(blank=True, max_length=200, verbose_name='name (French)')),
                        ('name_es', models.CharField(blank=True, max_length=200, verbose_name='name (Spanish)')),
                    ],
                    options={
                        'verbose_name': 'region',
                        'verbose_name_plural': 'regions',
                        'ordering': ['kind', 'm49'],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'm49'), name='unique_region_kind_m49')],
                        'db_table': 'questionnaire_region',
                    },
                ),
                migrations.CreateModel(
                    name='Country',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('m49', models.CharField(max_length=3, unique=True, verbose_name='M49 code')),
                        ('iso3', models.CharField(max_length=3, unique=True, verbose_name='ISO alpha-3')),
                        ('iso2', models.CharField(max_length=2, verbose_name='ISO alpha-2')),
                        ('name', models.CharField(max_length=200, verbose_name='name (English)')),
                        ('name_fr', models.CharField(blank=True, max_length=200, verbose_name='name (French)')),
                        ('name_es', models.CharField(blank=True, max_length=200, verbose_name='name (Spanish)')),
                        ('un_status', models.CharField(choices=[('member', 'Member State'), ('observer', 'Observer State'), ('non-member', 'Non-member State')], max_length=20, verbose_name='UN status')),
                        ('ldc', models.BooleanField(default=False, verbose_name='least developed country')),
                        ('lldc', models.BooleanField(default=False, verbose_name='land-locked developing country')),
                        ('sids', models.BooleanField(default=False, verbose_name='small island developing State')),
                        ('intermediate_region', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geography.region', verbose_name='M49 intermediate region')),
                        ('m49_region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geography.region', verbose_name='M49 region')),
                        ('m49_subregion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geography.region', verbose_name='M49 sub-region')),
                        ('sdg_region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geography.region', verbose_name='SDG region')),
                    ],
                    options={
                        'verbose_name': 'country',
                        'verbose_name_plural': 'countries',
                        'ordering': ['name'],
                        'db_table': 'questionnaire_country',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
