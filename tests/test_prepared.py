"""A query compiled once and run with new values gives what the ORM gives."""

import pytest

from kernel.prepared import Prepared
from questionnaire.models import Submission, SubmissionVersion
from review.services.submissions import submission_submit
from tests.factories import CountryFactory, RoundFactory
from tests.questionnaire.factories import SubmissionFactory

COLUMNS = ("pk", "state", "revision", "created_at", "round__code", "country__iso3")


@pytest.fixture
def submissions(instrument):
    round_ = RoundFactory(version=instrument, code="round-a")
    other = RoundFactory(version=instrument, code="round-b")
    countries = [CountryFactory(), CountryFactory()]
    return [SubmissionFactory(round=r, country=c) for r in (round_, other) for c in countries]


def test_the_rows_are_the_orms_for_every_value(submissions):
    prepared = Prepared(
        lambda code, iso3: (
            Submission.objects.filter(round__code=code, country__iso3=iso3)
            .order_by("pk")
            .values_list(*COLUMNS)
        ),
        code=str,
        iso3=str,
    )
    for submission in submissions:
        values = {"code": submission.round.code, "iso3": submission.country.iso3}
        expected = list(
            Submission.objects.filter(round__code=values["code"], country__iso3=values["iso3"])
            .order_by("pk")
            .values_list(*COLUMNS)
        )
        assert prepared.rows(**values) == expected
        assert expected[0][3] == submission.created_at  # an aware datetime, on SQLite too
    assert prepared.rows(code="nope", iso3="XXX") == []


def test_json_and_booleans_are_converted_as_the_orm_converts_them(submissions):
    prepared = Prepared(
        lambda submission: SubmissionVersion.objects.filter(submission=submission).values_list(
            "entered_by_ids", "entered_on_behalf"
        ),
        submission=int,
    )
    submission = submissions[0]
    submission_submit(
        submission=submission,
        by=None,
        confirmed_revision=submission.revision,
        allow_unanswered=True,
    )
    expected = list(
        SubmissionVersion.objects.filter(submission=submission).values_list(
            "entered_by_ids", "entered_on_behalf"
        )
    )
    assert expected == [([], False)]
    assert prepared.rows(submission=submission.pk) == expected


def test_a_value_the_sql_does_not_carry_as_a_parameter_is_refused(submissions):
    prepared = Prepared(
        lambda submission: Submission.objects.filter(pk__in=[submission]).values_list("pk"),
        submission=int,
    )
    assert prepared.rows(submission=submissions[0].pk) == [(submissions[0].pk,)]
    with pytest.raises(TypeError):
        Prepared(lambda when: Submission.objects.values_list("pk"), when=float)
    ignored = Prepared(lambda code: Submission.objects.values_list("pk"), code=str)
    with pytest.raises(ValueError):
        ignored.rows(code="x")
