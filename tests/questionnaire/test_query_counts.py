"""The questionnaire page and a draft save cost the same number of queries, however much is answered."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from questionnaire.models import Answer

from .factories import answer_all, form_data

PAGE_QUERY_BOUND = 16
# History rows go in one INSERT on PostgreSQL, in two on SQLite (its 999-parameter limit).
SAVE_QUERY_BOUND = 22


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def evidence(code: str, pick: int = 0) -> dict:
    return {
        "policy_name": f"Act {code} {pick}",
        "policy_year": str(2019 - pick),
        "link": f"https://example.org/{code}-{pick}",
        "citation": f"Art. {pick}",
        "comment": f"Changed {pick}",
    }


def test_the_page_costs_the_same_queries_with_no_and_with_thirty_answers(
    client, focal_point, draft, fill_url, django_assert_max_num_queries
):
    client.force_login(focal_point)
    url = fill_url(draft)
    client.get(url)  # the session and the submission exist from now on
    empty = count_queries(lambda: client.get(url))

    answer_all(draft, policy_name="Act", link="https://example.org/act", comment="Note")
    client.post(url, form_data(draft, answers={"1a": {"option_code": "no"}}))  # history too
    client.get(url)  # consumes the "Draft saved" message
    full = count_queries(lambda: client.get(url))

    assert Answer.objects.filter(submission=draft).exclude(option_code="").count() == 30
    assert full == empty
    with django_assert_max_num_queries(PAGE_QUERY_BOUND):
        client.get(url)


def every_item(submission, pick: int) -> dict:
    """New values for all 30 items: option number ``pick`` of each item, and full evidence."""
    return {
        a.item.code: {
            "option_code": list(a.item.response_set.options.order_by("order"))[pick].code,
            **evidence(a.item.code, pick),
        }
        for a in submission.answers.select_related("item__response_set")
    }


def test_a_draft_save_of_all_thirty_items_costs_the_same_with_none_or_all_answered_before(
    client, focal_point, draft, fill_url, django_assert_max_num_queries
):
    client.force_login(focal_point)
    url = fill_url(draft)
    client.get(url)

    first = form_data(draft, answers=every_item(draft, 0))
    with django_assert_max_num_queries(SAVE_QUERY_BOUND):
        from_nothing = count_queries(lambda: client.post(url, first))
    draft.refresh_from_db()
    assert draft.answers.exclude(option_code="").count() == 30

    second = form_data(draft, answers=every_item(draft, 1))
    with django_assert_max_num_queries(SAVE_QUERY_BOUND):
        over_thirty = count_queries(lambda: client.post(url, second))

    draft.refresh_from_db()
    assert draft.revision == 2
    assert draft.answers.filter(link__endswith="-1").count() == 30
    assert over_thirty == from_nothing


def test_a_draft_save_stays_within_the_bound_for_one_or_thirty_changed_items(
    client, focal_point, draft, fill_url, django_assert_max_num_queries
):
    client.force_login(focal_point)
    url = fill_url(draft)
    client.get(url)
    with django_assert_max_num_queries(SAVE_QUERY_BOUND):
        client.post(url, form_data(draft, answers={"1a": {"option_code": "no"}}))
    draft.refresh_from_db()
    data = form_data(draft, answers=every_item(draft, 0))
    with django_assert_max_num_queries(SAVE_QUERY_BOUND):
        client.post(url, data)
    draft.refresh_from_db()
    assert draft.revision == 2
