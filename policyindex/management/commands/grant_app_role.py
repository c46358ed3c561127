"""Grants a PostgreSQL role what the running app needs, and nothing that could undo the audit trail.

Run it as the role that owns the tables (the one that runs ``migrate``), after every migration.
The app role can then read and write ordinary tables but only read and add to the append-only
ones; owning no table, it cannot ALTER, TRUNCATE or DROP any, nor disable their triggers.
"""

import re

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from kernel.append_only import AppendOnlyModel

ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def append_only_tables() -> list[str]:
    return sorted(
        model._meta.db_table for model in apps.get_models() if issubclass(model, AppendOnlyModel)
    )


def grant_statements(
    role: str, owner: str, tables: list[str], audit_tables: list[str]
) -> list[str]:
    quoted, owner_quoted = f'"{role}"', f'"{owner}"'
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        # Tables created by later migrations (run by the owner) get the same rights.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_quoted} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_quoted} IN SCHEMA public "
        f"GRANT USAGE ON SEQUENCES TO {quoted}",
    ]
    for table in tables:
        if table in audit_tables:
            statements.append(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{table}" FROM {quoted}')
            statements.append(f'GRANT SELECT, INSERT ON "{table}" TO {quoted}')
        else:
            statements.append(f'GRANT SELECT, INSERT, UPDATE, DELETE ON "{table}" TO {quoted}')
    return statements


class Command(BaseCommand):
    help = (
        "Grants a PostgreSQL role (which must exist and own no table) what the app needs: "
        "SELECT/INSERT/UPDATE/DELETE on the tables, only SELECT/INSERT on the append-only audit "
        "tables, and USAGE on the sequences. Run it as the owner of the tables, after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the app connects as")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role works on PostgreSQL only.")
        if not ROLE_NAME.match(role):
            raise CommandError(f"{role!r} is not a plain role name (letters, digits, _).")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            owner = cursor.fetchone()[0]
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                raise CommandError(f"No role is called {role!r}: create it first (CREATE ROLE).")
            if found[0]:
                raise CommandError(f"{role!r} is a superuser, which no trigger can stop.")
            if role == owner:
                raise CommandError(
                    f"{role!r} is the role running this command, which owns the tables: the app "
                    "needs a role of its own."
                )
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s",
                [role],
            )
            owned = sorted(row[0] for row in cursor.fetchall())
            if owned:
                raise CommandError(
                    f"{role!r} owns tables ({', '.join(owned)}): it could disable their "
                    "triggers. Give them to the owner role first (REASSIGN OWNED)."
                )
            tables = connection.introspection.table_names(cursor)
            statements = grant_statements(role, owner, tables, append_only_tables())
            with transaction.atomic():
                for statement in statements:
                    cursor.execute(statement)
        self.stdout.write(f"Granted {role} the app's rights on {len(tables)} table(s) as {owner}.")
