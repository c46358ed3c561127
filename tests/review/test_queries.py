"""Queries through HTTP: raised by an analyst (also from a flag, in one click), answered by the
focal point from the questionnaire, closed and reopened by the analyst."""

from django.urls import reverse

from review.models import Query, QueryMessage
from review.services.queries import query_raise
from review.services.submissions import submission_return
from tests.questionnaire.factories import answer_all

from .conftest import page_url, submit


def fill_url(submission):
    return reverse("questionnaire:fill", args=[submission.round.code, submission.country.iso3])


def test_an_analyst_raises_a_query_on_an_item_and_it_shows_at_the_top(client, analyst, submitted):
    client.force_login(analyst)
    response = client.post(
        page_url("raise_query", submitted), {"text": "Which decree is this?", "item": "3b"}
    )
    assert response.status_code == 302
    query = Query.objects.get()
    assert (query.item.code, query.raised_by, query.is_open) == ("3b", analyst, True)
    html = client.get(response.url).content.decode()
    assert html.index('id="open-queries"') < html.index('id="domain-1"')
    assert "Which decree is this?" in html and "Raised by Amina" in html


def test_a_flag_raised_in_french_gets_its_question_in_french(client, analyst, draft, focal_point):
    answer_all(draft)
    draft.revision = 1
    draft.save(update_fields=["revision"])
    submit(draft, focal_point)
    client.force_login(analyst)
    client.cookies["django_language"] = "fr"
    client.post(page_url("raise_query", draft), {"flag": "no_evidence:2c"})
    text = Query.objects.get().messages.get().text
    # The answer's label is the instrument's French one (the sentence follows the catalogue).
    assert "“Oui”" in text and "yes" not in text


def test_a_flag_becomes_a_query_in_one_action_with_its_prewritten_text(
    client, analyst, draft, focal_point
):
    answer_all(draft)  # "Yes" everywhere and no evidence: 30 flags
    draft.revision = 1
    draft.save(update_fields=["revision"])
    submit(draft, focal_point)
    client.force_login(analyst)
    url = page_url("submission", draft)
    html = client.get(url).content.decode()
    assert html.count('data-flag="no_evidence:') == 30
    card = html[html.index('id="item-2c"') : html.index('id="item-2d"')]
    # One button in the card, posting the flag's key with the page's form (and its token).
    assert 'form="flag-query" name="flag" value="no_evidence:2c"' in card
    response = client.post(page_url("raise_query", draft), {"flag": "no_evidence:2c", "next": url})
    assert response.url == f"{url}#item-2c"
    query = Query.objects.get()
    assert (query.flag, query.item.code) == ("no_evidence:2c", "2c")
    # The pre-written question, in the analyst's language, answers by label.
    text = query.messages.get().text
    assert "without evidence" in text and "“Yes”" in text
    html = client.get(url).content.decode()
    card = html[html.index('id="item-2c"') : html.index('id="item-2d"')]
    assert "A query on this is open." in card and 'name="flag"' not in card
    # The same flag twice: refused, nothing added.
    html = client.post(
        page_url("raise_query", draft), {"flag": "no_evidence:2c"}, follow=True
    ).content.decode()
    assert "A query on this check is already open." in html
    assert Query.objects.count() == 1


def test_a_forged_item_flag_or_next_changes_nothing_and_never_fails(client, analyst, submitted):
    client.force_login(analyst)
    for data in (
        {"text": "x", "item": "9z"},
        {"text": "x", "flag": "nonsense:1a"},
        {"text": "x", "flag": "no_evidence:" + "9" * 80},
        {"flag": "late_evidence:1a"},  # a check that does not flag this version
        {"text": "x" * 5001},
        {"text": ""},
    ):
        response = client.post(page_url("raise_query", submitted), data, follow=True)
        assert response.status_code == 200
        assert "Nothing was changed" in response.content.decode()
    assert not Query.objects.exists()
    response = client.post(
        page_url("raise_query", submitted), {"text": "ok", "next": "https://evil.example/"}
    )
    assert response.url == page_url("submission", submitted)


def test_the_focal_point_sees_open_queries_on_the_questionnaire_and_replies(
    client, analyst, focal_point, submitted
):
    query = query_raise(submission=submitted, by=analyst, text="Which year?")
    client.force_login(focal_point)
    html = client.get(fill_url(submitted)).content.decode()
    assert 'id="open-queries"' in html and "Which year?" in html
    reply_url = page_url("reply_query", submitted, query_id=query.pk)
    assert reply_url in html
    response = client.post(reply_url, {"text": "2015.", "next": fill_url(submitted)})
    assert response.url == fill_url(submitted)
    assert query.messages.filter(kind="reply", author=focal_point, text="2015.").exists()
    # On the review page the analyst reads it, with who and when.
    client.force_login(analyst)
    html = client.get(page_url("submission", submitted)).content.decode()
    assert "Reply by Wanjiru" in html and "2015." in html


def test_a_returned_questionnaire_shows_the_reason_and_the_open_queries_to_the_focal_point(
    client, analyst, focal_point, submitted
):
    query_raise(submission=submitted, by=analyst, text="Cite the decree for 1a.")
    submission_return(submission=submitted, by=analyst, reason="See the open question.")
    client.force_login(focal_point)
    html = client.get(fill_url(submitted)).content.decode()
    assert "See the open question." in html and "Cite the decree for 1a." in html
    # The notes come before the form (forms are never nested).
    assert html.index('id="open-queries"') < html.index('id="questionnaire"')


def test_the_analyst_closes_and_reopens_a_query(client, analyst, submitted):
    query = query_raise(submission=submitted, by=analyst, text="Which year?")
    client.force_login(analyst)
    client.post(page_url("close_query", submitted, query_id=query.pk))
    query.refresh_from_db()
    assert not query.is_open
    html = client.get(page_url("submission", submitted)).content.decode()
    assert 'id="open-queries"' not in html and 'id="closed-queries"' in html
    response = client.post(
        page_url("reopen_query", submitted, query_id=query.pk), {"text": ""}, follow=True
    )
    assert "Write a message" in response.content.decode()
    client.post(page_url("reopen_query", submitted, query_id=query.pk), {"text": "Not clear."})
    query.refresh_from_db()
    assert query.is_open
    assert list(query.messages.values_list("kind", flat=True)) == ["raised", "closed", "reopened"]


def test_a_focal_point_cannot_close_and_a_closed_query_takes_no_reply(
    client, analyst, focal_point, submitted
):
    query = query_raise(submission=submitted, by=analyst, text="Which year?")
    client.force_login(focal_point)
    assert client.post(page_url("close_query", submitted, query_id=query.pk)).status_code == 404
    query.refresh_from_db()
    assert query.is_open
    client.force_login(analyst)
    client.post(page_url("close_query", submitted, query_id=query.pk))
    client.force_login(focal_point)
    html = client.post(
        page_url("reply_query", submitted, query_id=query.pk), {"text": "late"}, follow=True
    ).content.decode()
    assert "This query is closed" in html
    assert not QueryMessage.objects.filter(text="late").exists()


def test_a_query_of_another_submission_answers_404(client, analyst, submitted, outsider):
    query = query_raise(submission=submitted, by=analyst, text="Which year?")
    client.force_login(outsider)
    assert (
        client.post(
            page_url("reply_query", submitted, query_id=query.pk), {"text": "x"}
        ).status_code
        == 404
    )
    client.force_login(analyst)
    assert (
        client.post(page_url("close_query", submitted, query_id=query.pk + 99)).status_code == 404
    )


def test_a_query_cannot_be_raised_on_a_draft(client, analyst, draft):
    client.force_login(analyst)
    html = client.post(
        page_url("raise_query", draft), {"text": "Anything?"}, follow=True
    ).content.decode()
    assert "A query is raised on a submitted questionnaire" in html
    assert not Query.objects.exists()
