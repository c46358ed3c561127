"""Countries and regions get their own table names; the rows, and everything pointing at them, stay.

`AlterModelTable` renames the tables through Django's schema editor (ALTER TABLE ... RENAME TO on
SQLite and PostgreSQL alike). Foreign keys from other tables follow: PostgreSQL refers to tables
by identity, and SQLite (3.26 and later, with Django's `legacy_alter_table = OFF`) rewrites the
references. The admin's history and permissions keep their content types, renamed to this app.
"""

from django.db import migrations

MODELS = ["country", "region"]


def move_content_types(apps, schema_editor, from_app, to_app):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        # A content type already made for the new app (by an earlier partial migrate) wins.
        if not ContentType.objects.using(db).filter(app_label=to_app, model=model).exists():
            ContentType.objects.using(db).filter(app_label=from_app, model=model).update(
                app_label=to_app
            )


def forwards(apps, schema_editor):
    move_content_types(apps, schema_editor, "questionnaire", "geography")


def backwards(apps, schema_editor):
    move_content_types(apps, schema_editor, "geography", "questionnaire")


class Migration(migrations.Migration):

    dependencies = [
        ('geography', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        # The questionnaire app no longer claims the old tables.
        ('questionnaire', '0006_move_geography_out'),
    ]

    operations = [
        migrations.AlterModelTable(name='region', table=None),
        migrations.AlterModelTable(name='country', table=None),
        migrations.RunPython(forwards, backwards),
    ]
