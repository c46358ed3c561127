"""The timeline: every step of a country's submission for a round, in order, with who and why."""

import datetime

import pytest
from django.utils import timezone

from review.services.queries import query_close, query_raise, query_reply
from review.services.rounds import round_extend_deadline
from review.services.submissions import submission_return, submission_validate
from tests.factories import CountryFactory, FocalPointFactory

from .conftest import page_url, submit


@pytest.fixture
def history(submitted, analyst, second_analyst, focal_point, administrator):
    query = query_raise(submission=submitted, by=analyst, text="Which decree?")
    query_reply(query=query, by=focal_point, text="Decree 4 of 2019.")
    submission_return(submission=submitted, by=analyst, reason="Please add the decree to 1a.")
    round_extend_deadline(
        round=submitted.round,
        country=submitted.country,
        by=administrator,
        closes_on=timezone.localdate() + datetime.timedelta(days=90),
        reason="Elections in the country.",
    )
    submit(submitted, focal_point)
    query_close(query=query, by=analyst)
    submission_validate(submission=submitted, by=second_analyst)
    return submitted


def test_the_timeline_lists_every_step_in_order_with_who_and_why(client, analyst, history):
    client.force_login(analyst)
    response = client.get(page_url("timeline", history))
    assert response.status_code == 200
    html = response.content.decode()
    steps = [
        "Version 1 frozen for review",
        "Submitted: Draft → Submitted",
        "Which decree?",
        "Decree 4 of 2019.",
        "Please add the decree to 1a.",
        "Elections in the country.",
        "Version 2 frozen for review",
        "Submitted: Returned to the country → Submitted",
        "Query on 3b: closed".replace("3b", "the whole questionnaire"),
        "Validated: Submitted → Validated",
        "Score 100.0: Fully meets",
    ]
    positions = [html.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "Bruno" in html and "Ada" in html and "Wanjiru" in html


def test_the_countrys_focal_point_sees_the_timeline_others_get_404(
    client, focal_point, outsider, history
):
    client.force_login(focal_point)
    assert client.get(page_url("timeline", history)).status_code == 200
    client.force_login(outsider)
    assert client.get(page_url("timeline", history)).status_code == 404
    country = CountryFactory()
    client.force_login(FocalPointFactory(countries=[country]))
    assert client.get(page_url("timeline", history)).status_code == 404


def test_the_administrator_sees_it_in_spanish_with_localised_numbers(
    client, administrator, history
):
    client.force_login(administrator)
    client.cookies["django_language"] = "es"
    html = client.get(page_url("timeline", history)).content.decode()
    assert 'lang="es"' in html and "100,0" in html


def test_the_timeline_of_a_country_not_started_is_empty_but_answers(client, analyst, open_round):
    client.force_login(analyst)
    from django.urls import reverse

    url = reverse("review:timeline", kwargs={"round_code": open_round.code, "iso3": "KEN"})
    assert client.get(url).status_code == 200
