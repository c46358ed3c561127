"""The app can run as a PostgreSQL role that owns nothing: it reads and adds records of the past,
but cannot change, empty or unprotect them, whatever SQL it sends."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from tests.scoring.factories import ResultImportFactory

pytestmark = pytest.mark.postgres_only

ROLE = "policyindex_test_app_role"


@pytest.fixture
def app_role(db):
    """A role created inside the test's transaction, so it disappears with it."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {ROLE} NOLOGIN")
    call_command("grant_app_role", ROLE)
    return ROLE


def as_app_role(sql, params=None):
    """Runs ``sql`` as the app role in a savepoint: on an error, rolling the savepoint back
    undoes the SET ROLE too."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {ROLE}")
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else None
        cursor.execute("RESET ROLE")
        return rows


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE scoring_resultimport DISABLE TRIGGER scoring_resultimport_append_only",
        "ALTER TABLE scoring_resultimport DISABLE TRIGGER ALL",
        "DROP TRIGGER scoring_resultimport_append_only ON scoring_resultimport",
        "TRUNCATE scoring_resultimport CASCADE",
        "UPDATE scoring_resultimport SET reason = 'rewritten'",
        "DELETE FROM scoring_resultimport",
    ],
)
def test_the_app_role_cannot_change_or_unprotect_an_audit_table(app_role, sql):
    ResultImportFactory(reason="original")
    with pytest.raises(Exception, match="permission denied|must be owner|append-only"):
        as_app_role(sql)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM scoring_resultimport")
        assert cursor.fetchall() == [("original",)]


def test_the_app_role_adds_records_of_the_past_and_reads_them(app_role):
    as_app_role(
        "INSERT INTO scoring_resultimport (file_name, sha256, imported_at, observations, "
        "new_values, changed_values, unchanged_values, skipped_other_series, reason) "
        "VALUES ('added.csv', %s, now(), 1, 1, 0, 0, 0, '')",
        ["0" * 64],
    )
    assert as_app_role("SELECT file_name FROM scoring_resultimport") == [("added.csv",)]


def test_the_app_role_changes_ordinary_tables(app_role):
    from tests.factories import CountryFactory

    country = CountryFactory(name="Before")
    as_app_role("UPDATE geography_country SET name = 'After' WHERE id = %s", [country.pk])
    country.refresh_from_db()
    assert country.name == "After"


def test_a_role_that_owns_tables_is_refused(db):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {ROLE} NOLOGIN")
        cursor.execute(f"ALTER TABLE geography_country OWNER TO {ROLE}")
    with pytest.raises(CommandError, match="owns tables"):
        call_command("grant_app_role", ROLE)


def test_an_unknown_role_is_reported(db):
    with pytest.raises(CommandError, match="No role is called"):
        call_command("grant_app_role", "nobody_at_all")
