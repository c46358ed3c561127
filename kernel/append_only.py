"""Records of the past: rows that are written once and never updated or deleted.

The model refuses in Python; on PostgreSQL a trigger (see ``append_only_trigger``) makes the
database refuse too, so no code path, admin action or raw SQL can rewrite the audit trail.
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


def append_only_trigger(table: str) -> migrations.RunPython:
    """A migration operation that installs the refusing trigger on PostgreSQL (a no-op elsewhere)."""

    def install(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            """
            CREATE OR REPLACE FUNCTION policyindex_refuse_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'records in % are append-only', TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql;
            """,
            params=None,  # the SQL holds a literal % for RAISE, not a placeholder
        )
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION policyindex_refuse_change();"
        )

    def remove(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')

    return migrations.RunPython(install, remove)
