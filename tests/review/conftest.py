"""Review fixtures: a country with its focal point, analysts in and out of its region, an
administrator, and helpers that bring a submission to a state through the review services."""

import pytest
from django.urls import reverse

from questionnaire.models import Answer, Submission
from review.services.submissions import submission_submit
from tests.factories import (
    AdministratorFactory,
    AnalystFactory,
    CountryFactory,
    FocalPointFactory,
    RoundFactory,
)
from tests.questionnaire.factories import SubmissionFactory, answer_all

EVIDENCE = {
    "policy_name": "Aliens Act",
    "policy_year": 2015,
    "link": "https://laws.example.org/aliens-act",
    "citation": "Official Gazette No. 12",
    "comment": "Confirmed by the ministry.",
}


@pytest.fixture
def open_round(instrument):
    return RoundFactory(version=instrument, code="round-open", reference_year=2030)


@pytest.fixture
def kenya(db):
    return CountryFactory(iso3="KEN", name="Kenya", name_fr="Kenya (fr)")


@pytest.fixture
def focal_point(kenya):
    return FocalPointFactory(username="wanjiru", first_name="Wanjiru", countries=[kenya])


@pytest.fixture
def analyst(kenya):
    return AnalystFactory(username="amina", first_name="Amina", regions=[kenya.sdg_region])


@pytest.fixture
def second_analyst(kenya):
    return AnalystFactory(username="bruno", first_name="Bruno", regions=[kenya.sdg_region])


@pytest.fixture
def outsider(db):
    return AnalystFactory(username="olaf", regions=[CountryFactory().sdg_region])


@pytest.fixture
def administrator(db):
    return AdministratorFactory(username="root-admin", first_name="Ada")


@pytest.fixture
def draft(open_round, kenya):
    return SubmissionFactory(round=open_round, country=kenya)


def submit(submission: Submission, by, **kwargs):
    submission.refresh_from_db()
    return submission_submit(
        submission=submission, by=by, confirmed_revision=submission.revision, **kwargs
    )


def set_answer(submission: Submission, code: str, **values) -> None:
    answer = Answer.objects.get(submission=submission, item__code=code)
    for name, value in values.items():
        setattr(answer, name, value)
    answer.save()
    # A change the way a save makes it: a new revision.
    Submission.objects.filter(pk=submission.pk).update(revision=submission.revision + 1)
    submission.refresh_from_db()


@pytest.fixture
def submitted(draft, focal_point):
    """Every item answered with its first option and full evidence, submitted by the focal point."""
    answer_all(draft, **EVIDENCE)
    Submission.objects.filter(pk=draft.pk).update(revision=1)
    submit(draft, focal_point)
    draft.refresh_from_db()
    return draft


def page_url(name: str, submission: Submission, **kwargs) -> str:
    return reverse(
        f"review:{name}",
        kwargs={"round_code": submission.round.code, "iso3": submission.country.iso3, **kwargs},
    )
