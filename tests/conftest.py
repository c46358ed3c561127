import os
import shutil
from pathlib import Path

import pytest

# pytest-playwright runs an event loop in the main thread; Django's ORM calls made by the tests
# themselves (arranging data, checking results) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Playwright must never download a browser: the system Chromium is used.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

BROWSER_DIR = Path(__file__).parent / "browser"


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    if connection.vendor != "postgresql":
        for item in items:
            if "postgres_only" in item.keywords:
                item.add_marker(pytest.mark.skip(reason="needs PostgreSQL"))
    browser_items = [i for i in items if BROWSER_DIR in Path(str(i.fspath)).parents]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items and chromium_path() is None:
        reason = "no Chromium found at /usr/bin/chromium or CHROMIUM_PATH: browser tests skipped"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            raise pytest.UsageError(reason.replace("skipped", "and REQUIRE_BROWSER=1"))
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture
def instrument(db):
    """The 10.7.2 questionnaire version as loaded from the methodology file."""
    from fixtures.instrument import load_instrument

    return load_instrument(code="inquiry-13", name="Thirteenth Inquiry, 2020-2021")


@pytest.fixture
def all_countries(db):
    """The 197 countries of the reference file with their regions."""
    from fixtures.geography import load_countries
    from geography.models import Country

    load_countries()
    return Country.objects.all()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the database's ids and times start again, so a page
    cached by an earlier test could otherwise match."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english_to_start_with():
    """Each test starts in English: a request in another language leaves it active on the thread."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def flushes_between_tests_pass_the_truncate_trigger():
    """Transactional tests are cleaned up with TRUNCATE, which the append-only tables refuse on
    PostgreSQL. The test run is a superuser, so its flush runs as a replica session, where
    ordinary triggers do not fire; the app's own role can do no such thing."""
    from django.db import connection, transaction
    from django.db.backends.postgresql.operations import DatabaseOperations

    if connection.vendor != "postgresql":
        yield
        return
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with transaction.atomic(using=self.connection.alias):
            with self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
            original(self, sql_list)

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


@pytest.fixture(scope="session", autouse=True)
def media_outside_the_project(tmp_path_factory):
    """Files stored by a test (evidence files) go to a temporary folder, never to the project's
    media folder."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users: a fast hasher keeps each one from costing most of a second.
    Production keeps Django's default (PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
