import pytest

from tests.questionnaire.conftest import draft, fill_url, focal_point, kenya, open_round  # noqa: F401


@pytest.fixture(autouse=True)
def _each_test_starts_with_an_empty_session_store(settings):
    # The waiting uploads live in the session: the database session store, as in production.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
