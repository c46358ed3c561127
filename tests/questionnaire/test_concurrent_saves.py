"""Two focal points of one country saving at the same moment, for real, in two threads."""

import threading

import pytest
from django.db import connection

from questionnaire.services.answers import AnswerInput, StaleSave, save_draft

from .factories import SubmissionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_of_two_simultaneous_saves_one_is_kept_and_the_other_refused_as_stale(
    instrument, focal_point
):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "threads need a database file or server; the in-memory test database is one connection"
        )
    submission = SubmissionFactory(round__version=instrument, country=focal_point.countries.get())
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def save(option: str) -> None:
        start.wait()
        try:
            save_draft(
                submission=submission,
                by=focal_point,
                base_revision=0,
                answers={"2a": AnswerInput(option_code=option)},
                general_comment="",
            )
            outcomes.append("saved")
        except StaleSave:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(option,)) for option in ("yes", "no")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "stale"]
    submission.refresh_from_db()
    assert submission.revision == 1
