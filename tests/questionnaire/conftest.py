import pytest
from django.urls import reverse

from tests.factories import CountryFactory, FocalPointFactory, RoundFactory

from .factories import SubmissionFactory


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
def draft(open_round, kenya):
    return SubmissionFactory(round=open_round, country=kenya)


@pytest.fixture
def fill_url():
    def url(submission):
        return reverse(
            "questionnaire:fill",
            kwargs={"round_code": submission.round.code, "iso3": submission.country.iso3},
        )

    return url
