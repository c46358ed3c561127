"""Records of the past: rows that are written once and never updated or deleted.

The model refuses in Python; on PostgreSQL triggers (see ``append_only_trigger``) make the
database refuse UPDATE, DELETE and TRUNCATE too, so no code path, admin action or raw SQL can
rewrite the audit trail. Run the app with a database role that owns no table (see the
``grant_app_role`` command) so its own credentials cannot drop or disable those triggers.
"""

from django.db import migrations, models


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a record of the past."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} records are never updated.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} records are never deleted.")

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        if update_conflicts:
            raise AppendOnlyError(f"{self.model.__name__} records are never updated.")
        return super().bulk_create(objs, *args, **kwargs)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} records are never updated.")
        # An INSERT whatever the primary key says: a record built with an existing key fails
        # instead of overwriting that record.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} records are never deleted.")


REFUSE_CHANGE_FUNCTION = """
CREATE OR REPLACE FUNCTION policyindex_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'records in % are append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def _install_function(schema_editor) -> None:
    # The SQL holds a literal % for RAISE, not a placeholder.
    schema_editor.execute(REFUSE_CHANGE_FUNCTION, params=None)


def _install_row_trigger(schema_editor, table: str) -> None:
    schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')
    schema_editor.execute(
        f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION policyindex_refuse_change();"
    )


def _install_truncate_trigger(schema_editor, table: str) -> None:
    # TRUNCATE fires no row trigger, so it needs its own, statement-level one.
    schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}";')
    schema_editor.execute(
        f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION policyindex_refuse_change();"
    )


def append_only_trigger(table: str) -> migrations.RunPython:
    """A migration operation that makes PostgreSQL refuse UPDATE, DELETE and TRUNCATE on the
    table (a no-op elsewhere). Every new append-only table gets it in its migration."""

    def install(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        _install_function(schema_editor)
        _install_row_trigger(schema_editor, table)
        _install_truncate_trigger(schema_editor, table)

    def remove(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}";')

    return migrations.RunPython(install, remove)


def refuse_truncate_trigger(table: str) -> migrations.RunPython:
    """Adds only the TRUNCATE trigger, for tables made append-only before it existed."""

    def install(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        _install_function(schema_editor)
        _install_truncate_trigger(schema_editor, table)

    def remove(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}";')

    return migrations.RunPython(install, remove)
