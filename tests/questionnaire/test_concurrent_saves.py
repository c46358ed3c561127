"""Two focal points of one country saving at the same moment, for real, in two threads."""

import threading

import pytest
from django.db import connection

from questionnaire.models import AnswerChange
from questionnaire.services.answers import save_draft

from .factories import SubmissionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_saves_of_one_field_keep_one_value_and_report_the_other_as_a_conflict(
    instrument, focal_point
):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.fail("the suite runs on a database file (make test), so threads share the data")
    submission = SubmissionFactory(round__version=instrument, country=focal_point.countries.get())
    outcomes: dict[str, object] = {}
    start = threading.Barrier(2)

    def save(option: str) -> None:
        start.wait()
        try:
            outcomes[option] = save_draft(
                round=submission.round,
                country=submission.country,
                by=focal_point,
                base_revision=0,
                entries={("2a", "option_code"): option},
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(option,)) for option in ("yes", "no")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(bool(o.conflicts) for o in outcomes.values()) == [False, True]
    [winner] = [option for option, o in outcomes.items() if o.changed]
    [loser] = [o for o in outcomes.values() if o.conflicts]
    assert (loser.conflicts[0].theirs, loser.conflicts[0].mine) == (
        winner,
        {"yes": "no", "no": "yes"}[winner],
    )
    submission.refresh_from_db()
    assert submission.revision == 1
    assert submission.answers.get(item__code="2a").option_code == winner
    assert AnswerChange.objects.filter(submission=submission).count() == 1
