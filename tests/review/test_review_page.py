"""The review page and the review actions, by role, through HTTP."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from questionnaire.models import Answer, Submission, SubmissionVersion
from review.models import Query
from review.services.queries import query_close, query_raise, query_reply
from review.services.submissions import submission_return, submission_validate
from scoring.models import ScoreRecord
from tests.factories import CountryFactory, FocalPointFactory, RoundFactory
from tests.questionnaire.factories import SubmissionFactory, answer_all, form_data
from tests.scoring.factories import validated_submission

from .conftest import EVIDENCE, page_url, set_answer, submit

# --- Who sees the page -------------------------------------------------------------------------


def test_an_analyst_in_scope_sees_every_item_by_domain_with_its_answer_and_evidence(
    client, analyst, submitted
):
    client.force_login(analyst)
    response = client.get(page_url("submission", submitted))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="card mb-2') == 30
    assert 'id="domain-6"' in html
    assert "Yes, regardless of immigration status" in html
    assert "Aliens Act" in html and "Official Gazette No. 12" in html
    assert '<a href="https://laws.example.org/aliens-act"' in html
    assert "Submitted" in html
    assert "Version 1 of 1" in html


@pytest.mark.parametrize("who", ["focal_point", "outsider"])
def test_focal_points_and_analysts_outside_the_region_get_404(client, request, who, submitted):
    client.force_login(request.getfixturevalue(who))
    assert client.get(page_url("submission", submitted)).status_code == 404
    assert client.get(page_url("version", submitted, number=1)).status_code == 404


def test_an_administrator_sees_the_page(client, administrator, submitted):
    client.force_login(administrator)
    assert client.get(page_url("submission", submitted)).status_code == 200


def test_a_forged_version_number_or_country_answers_404(client, analyst, submitted):
    client.force_login(analyst)
    assert client.get(page_url("version", submitted, number=7)).status_code == 404
    url = reverse("review:submission", kwargs={"round_code": "round-open", "iso3": "ZZZ"})
    assert client.get(url).status_code == 404
    url = reverse("review:submission", kwargs={"round_code": "nope", "iso3": "KEN"})
    assert client.get(url).status_code == 404


def test_a_country_not_started_says_so_and_offers_entry_on_behalf(
    client, analyst, open_round, kenya
):
    client.force_login(analyst)
    url = reverse("review:submission", kwargs={"round_code": open_round.code, "iso3": "KEN"})
    html = client.get(url).content.decode()
    assert "has not submitted answers" in html
    assert "?on_behalf=1" in html


# --- The score ---------------------------------------------------------------------------------


def test_the_page_shows_the_score_the_version_would_get_by_domain(
    client, analyst, draft, focal_point
):
    answer_all(draft, **EVIDENCE)
    set_answer(draft, "2a", option_code="no")
    submit(draft, focal_point)
    client.force_login(analyst)
    html = client.get(page_url("submission", draft)).content.decode()
    assert "Score this version would get if validated" in html
    # 29 of 30: 96.7 overall (Meets); domain 2 at 80.0 (Meets); the others 100.0 (Fully meets).
    assert "96.7" in html and "80.0" in html and "Fully meets" in html and "Meets" in html


def test_in_french_numbers_use_a_decimal_comma_and_no_answer_code_shows(
    client, analyst, draft, focal_point
):
    answer_all(draft, **EVIDENCE)
    set_answer(draft, "2a", option_code="no")
    set_answer(draft, "1b", option_code="yes_legal")
    submit(draft, focal_point)
    client.force_login(analyst)
    client.cookies["django_language"] = "fr"
    html = client.get(page_url("submission", draft)).content.decode()
    assert "95,0" in html and "95.0" not in html
    for code in ("yes_all", "yes_legal", ">no<", ">yes<"):
        assert code not in html


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_page_in_french_and_spanish_shows_answers_by_label_never_by_code(
    client, analyst, submitted, language
):
    client.force_login(analyst)
    client.cookies["django_language"] = language
    response = client.get(page_url("submission", submitted))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'lang="{language}"' in html
    assert "yes_all" not in html and "yes_legal" not in html
    # The instrument's own words are in the page's language (its labels, unofficial translation).
    assert {"fr": "Oui", "es": "Sí"}[language] in html


# --- What changed ---------------------------------------------------------------------------------


def test_a_returned_submission_keeps_every_answer_and_the_focal_point_edits_and_resubmits(
    client, analyst, focal_point, submitted
):
    submission_return(submission=submitted, by=analyst, reason="Please cite the 2019 decree.")
    client.force_login(focal_point)
    fill = reverse("questionnaire:fill", args=[submitted.round.code, "KEN"])
    html = client.get(fill).content.decode()
    assert 'id="return-reason"' in html and "Please cite the 2019 decree." in html
    assert 'name="1a-option_code"' in html  # editable again
    answers = Answer.objects.filter(submission=submitted)
    assert all(a.option_code and a.policy_name == "Aliens Act" for a in answers)
    assert all(a.link == EVIDENCE["link"] and a.policy_year == 2015 for a in answers)

    submitted.refresh_from_db()
    data = form_data(submitted, answers={"1a": {"option_code": "no", "citation": "Decree 2019/4"}})
    assert (
        client.post(
            reverse("questionnaire:save", args=[submitted.round.code, "KEN"]), data
        ).status_code
        == 302
    )
    submitted.refresh_from_db()
    response = client.post(
        reverse("review:confirm_submission", args=[submitted.round.code, "KEN"]),
        {"submission": submitted.pk, "revision": submitted.revision},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.SUBMITTED
    assert submitted.versions.count() == 2

    client.force_login(analyst)
    html = client.get(page_url("submission", submitted)).content.decode()
    assert "Changed since version 1" in html
    assert "Version 2 of 2" in html
    # Old → new, by label.
    assert "Yes, regardless of immigration status</del>" in html
    assert "No</ins>" in html
    assert "Decree 2019/4</ins>" in html
    old = client.get(page_url("version", submitted, number=1)).content.decode()
    assert "You are looking at version 1" in old
    assert "Changed since" not in old


def test_the_previous_rounds_validated_answer_is_shown_and_a_difference_highlighted(
    client, analyst, instrument, kenya, draft, focal_point
):
    earlier = RoundFactory(version=instrument, reference_year=2020, name="Twelfth Inquiry")
    validated_submission(round=earlier, country=kenya, answers={"1a": "no", "2a": "yes"})
    answer_all(draft, **EVIDENCE)
    submit(draft, focal_point)
    client.force_login(analyst)
    html = client.get(page_url("submission", draft)).content.decode()
    card_1a = html[html.index('id="item-1a"') : html.index('id="item-1b"')]
    card_2a = html[html.index('id="item-2a"') : html.index('id="item-2b"')]
    assert "Twelfth Inquiry" in card_1a and "<strong>No</strong>" in card_1a
    assert "differs" in card_1a and "Different from this version." in card_1a
    assert "differs" not in card_2a
    # The same difference is a consistency check.
    assert 'data-flag="previous_round:1a"' in card_1a


def test_an_entered_on_behalf_version_says_so_with_its_source(
    client, analyst, second_analyst, draft
):
    answer_all(draft, **EVIDENCE)
    Submission.objects.filter(pk=draft.pk).update(revision=1)
    submit(draft, analyst, on_behalf=True, source="Letter of the ministry, 3 March")
    client.force_login(second_analyst)
    html = client.get(page_url("submission", draft)).content.decode()
    assert "Entered on behalf of the country." in html
    assert "Letter of the ministry, 3 March" in html


# --- Actions by role: every row of the transition table ---------------------------------------


def test_an_analyst_in_scope_is_offered_return_and_validate_and_nothing_else(
    client, analyst, submitted
):
    client.force_login(analyst)
    html = client.get(page_url("submission", submitted)).content.decode()
    assert 'id="action-return"' in html and 'id="action-validate"' in html
    assert 'id="action-reopen"' not in html
    assert page_url("validate", submitted) in html


def test_an_administrator_is_offered_no_action_on_a_submitted_version(
    client, administrator, submitted
):
    client.force_login(administrator)
    html = client.get(page_url("submission", submitted)).content.decode()
    assert 'id="review-actions"' not in html


def test_validating_stores_the_score_and_the_state(client, analyst, submitted):
    client.force_login(analyst)
    response = client.post(page_url("validate", submitted))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.VALIDATED
    assert ScoreRecord.objects.filter(submission=submitted).count() == 1
    html = client.get(response.url).content.decode()
    assert "validated and its score recorded" in html


def test_returning_needs_a_reason_and_then_returns(client, analyst, submitted):
    client.force_login(analyst)
    response = client.post(page_url("return", submitted), {"reason": "  "}, follow=True)
    assert "Give a reason" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.SUBMITTED
    client.post(page_url("return", submitted), {"reason": "Evidence missing for 3b."})
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.RETURNED
    assert submitted.events.order_by("-pk").first().note == "Evidence missing for 3b."


@pytest.mark.parametrize("action", ["validate", "return", "reopen"])
def test_a_focal_point_can_take_no_review_action(client, focal_point, submitted, action):
    client.force_login(focal_point)
    response = client.post(page_url(action, submitted), {"reason": "because"})
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.SUBMITTED


@pytest.mark.parametrize("action", ["validate", "return"])
def test_an_analyst_outside_the_region_gets_404_and_nothing_changes(
    client, outsider, submitted, action
):
    client.force_login(outsider)
    assert client.post(page_url(action, submitted), {"reason": "x"}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.SUBMITTED


def test_an_administrator_cannot_validate_or_return_and_is_told_who_can(
    client, administrator, submitted
):
    client.force_login(administrator)
    for action in ("validate", "return"):
        html = client.post(
            page_url(action, submitted), {"reason": "x"}, follow=True
        ).content.decode()
        assert "Only an analyst with the country in scope can do this." in html
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.SUBMITTED


def test_an_analyst_cannot_reopen_a_validated_submission_an_administrator_can(
    client, analyst, second_analyst, administrator, submitted
):
    submission_validate(submission=submitted, by=analyst)
    client.force_login(second_analyst)
    html = client.post(page_url("reopen", submitted), {"reason": "x"}, follow=True).content.decode()
    assert "Only an administrator can do this." in html
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.VALIDATED

    client.force_login(administrator)
    html = client.get(page_url("submission", submitted)).content.decode()
    assert 'id="action-reopen"' in html and 'id="action-validate"' not in html
    client.post(page_url("reopen", submitted), {"reason": "A wrong year in 4c."})
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.RETURNED


def test_a_draft_offers_no_review_action_and_cannot_be_validated(client, analyst, draft):
    client.force_login(analyst)
    html = client.get(page_url("submission", draft)).content.decode()
    assert 'id="review-actions"' not in html
    html = client.post(page_url("validate", draft), follow=True).content.decode()
    assert "This cannot be done now: it is draft." in html
    draft.refresh_from_db()
    assert draft.state == Submission.State.DRAFT


def test_a_returned_submission_cannot_be_validated_or_returned_again(client, analyst, submitted):
    submission_return(submission=submitted, by=analyst, reason="Fix 1a.")
    client.force_login(analyst)
    html = client.post(page_url("validate", submitted), follow=True).content.decode()
    assert "This cannot be done now" in html
    client.post(page_url("return", submitted), {"reason": "again"})
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.RETURNED
    assert submitted.events.filter(action="returned").count() == 1


def test_an_analyst_cannot_validate_what_they_entered_on_behalf_and_another_can(
    client, analyst, second_analyst, draft
):
    answer_all(draft, **EVIDENCE)
    Submission.objects.filter(pk=draft.pk).update(revision=1)
    submit(draft, analyst, on_behalf=True, source="E-mail of 3 March")
    client.force_login(analyst)
    html = client.get(page_url("submission", draft)).content.decode()
    assert 'id="validate-refusal"' in html
    assert "another analyst must validate it" in html
    html = client.post(page_url("validate", draft), follow=True).content.decode()
    assert "another analyst must validate it" in html
    draft.refresh_from_db()
    assert draft.state == Submission.State.SUBMITTED

    client.force_login(second_analyst)
    client.post(page_url("validate", draft))
    draft.refresh_from_db()
    assert draft.state == Submission.State.VALIDATED


def test_validation_is_refused_while_a_query_is_open(client, analyst, submitted):
    query_raise(submission=submitted, by=analyst, text="Which decree?")
    client.force_login(analyst)
    html = client.get(page_url("submission", submitted)).content.decode()
    assert "1 query is still open" in html
    html = client.post(page_url("validate", submitted), follow=True).content.decode()
    assert "1 query is still open" in html
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.SUBMITTED
    assert not ScoreRecord.objects.exists()


# --- Entering answers on behalf --------------------------------------------------------------


def test_an_analyst_enters_answers_on_behalf_with_a_banner_a_hidden_field_and_a_source(
    client, analyst, draft
):
    fill = reverse("questionnaire:fill", args=[draft.round.code, "KEN"])
    client.force_login(analyst)
    read_only = client.get(fill).content.decode()
    assert f'href="{fill}?on_behalf=1"' in read_only
    html = client.get(f"{fill}?on_behalf=1").content.decode()
    assert 'id="on-behalf-banner"' in html
    assert '<input type="hidden" name="on_behalf" value="1">' in html
    answer_all(draft, **EVIDENCE)
    Submission.objects.filter(pk=draft.pk).update(revision=1)
    draft.refresh_from_db()
    data = form_data(draft, action="submit", on_behalf="1")
    confirm = client.post(reverse("questionnaire:submit", args=[draft.round.code, "KEN"]), data)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert 'name="source"' in page and 'name="on_behalf" value="1"' in page
    draft.refresh_from_db()
    confirm_url = reverse("review:confirm_submission", args=[draft.round.code, "KEN"])
    body = {"submission": draft.pk, "revision": draft.revision, "on_behalf": "1"}
    html = client.post(confirm_url, {**body, "source": ""}, follow=True).content.decode()
    assert "Give a reason" in html
    draft.refresh_from_db()
    assert draft.state == Submission.State.DRAFT
    client.post(confirm_url, {**body, "source": "Paper questionnaire, 3 March"})
    version = SubmissionVersion.objects.get(submission=draft)
    assert version.entered_on_behalf and version.source == "Paper questionnaire, 3 March"


def test_the_link_to_enter_on_behalf_is_not_offered_once_submitted_or_to_focal_points(
    client, analyst, focal_point, submitted
):
    client.force_login(analyst)
    assert "on_behalf=1" not in client.get(page_url("submission", submitted)).content.decode()
    client.force_login(focal_point)
    fill = reverse("questionnaire:fill", args=[submitted.round.code, "KEN"])
    assert "on_behalf=1" not in client.get(fill).content.decode()


def test_another_countrys_focal_point_cannot_reach_anything(client, submitted):
    country = CountryFactory()
    client.force_login(FocalPointFactory(countries=[country]))
    assert client.get(page_url("timeline", submitted)).status_code == 404
    assert client.post(page_url("raise_query", submitted), {"text": "x"}).status_code == 404
    assert not Query.objects.exists()


def test_the_draft_questionnaire_page_reads_no_review_data(
    client, focal_point, draft, django_assert_max_num_queries
):
    """A draft never submitted has no queries or return reason: nothing more is read for it."""
    client.force_login(focal_point)
    fill = reverse("questionnaire:fill", args=[draft.round.code, "KEN"])
    client.get(fill)
    with django_assert_max_num_queries(12):
        html = client.get(fill).content.decode()
    assert 'id="open-queries"' not in html and 'id="return-reason"' not in html


def test_the_review_page_reads_as_many_rows_at_once_for_three_versions_and_six_queries(
    client, analyst, submitted, open_round, kenya
):
    """The page's number of queries does not grow with versions, queries or their messages."""
    query_raise(submission=submitted, by=analyst, text="Is 1a right?")
    neighbour = CountryFactory(sdg_region=kenya.sdg_region)
    focal_point = FocalPointFactory(countries=[neighbour])
    busy = SubmissionFactory(round=open_round, country=neighbour)
    answer_all(busy, **EVIDENCE)
    for version in (1, 2, 3):
        set_answer(busy, "1a", comment=f"Version {version}.")
        submit(busy, focal_point)
        if version < 3:
            submission_return(submission=busy, by=analyst, reason="Please check 1a.")
    busy.refresh_from_db()
    for n in range(6):
        query = query_raise(submission=busy, by=analyst, text=f"Question {n}?")
        query_reply(query=query, by=focal_point, text=f"Answer {n}.")
        if n % 2:
            query_close(query=query, by=analyst, text="Thank you.")

    client.force_login(analyst)

    def queries_of(submission) -> int:
        url = page_url("submission", submission)
        assert client.get(url).status_code == 200  # what is cached is warm on both sides
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        assert 'id="score"' in html
        return len(queries)

    assert queries_of(submitted) == queries_of(busy)
    html = client.get(page_url("submission", busy)).content.decode()
    assert "Version 3 of 3" in html and "Changed since version 2" in html
    assert html.count('class="border-top pt-2 mt-2 query"') == 6
    assert "3 open queries" in html and 'id="closed-queries"' in html
    assert "Answer 5." in html and "Thank you." in html
