"""A colleague's save made after the download is never overwritten without a choice; who may
download and upload; analysts uploading on a country's behalf."""

import pytest

from offline.models import WorkbookUpload
from questionnaire.models import Answer, AnswerChange, Submission
from questionnaire.services.answers import GENERAL_COMMENT, save_draft
from tests.factories import AnalystFactory, CountryFactory, FocalPointFactory

from .workbooks import download, fill, review_url, text, upload, urls


def stored(code: str) -> Answer:
    return Answer.objects.get(submission__country__iso3="KEN", item__code=code)


@pytest.fixture
def colleague(kenya):
    return FocalPointFactory(username="amina", first_name="Amina", countries=[kenya])


def colleague_saves(colleague, draft, **fields) -> None:
    draft.refresh_from_db()
    save_draft(
        round=draft.round,
        country=draft.country,
        by=colleague,
        base_revision=draft.revision,
        entries={tuple(key.split("-")): value for key, value in fields.items()},
    )


@pytest.fixture
def conflicting_upload(client, focal_point, colleague, draft):
    """The workbook changes 1a and 2a; after the download, a colleague changed 1a online."""
    client.force_login(focal_point)
    workbook = fill(
        download(client),
        {"1a": {"option_code": "No"}, "2a": {"option_code": "Yes", "policy_name": "Labour Act"}},
    )
    colleague_saves(colleague, draft, **{"1a-option_code": "yes_all"})
    response = client.get(review_url(upload(client, workbook)))
    return response.request["PATH_INFO"], response


def test_the_dry_run_shows_a_colleagues_change_made_after_the_download_as_a_conflict(
    conflicting_upload,
):
    _url, dry_run = conflicting_upload
    page = text(dry_run)
    assert "1 field was also changed online since the workbook was made" in page
    assert "Changed online by Amina" in page
    assert "Yes, regardless of immigration status" in page  # theirs, by label
    html = dry_run.content.decode()
    assert 'name="resolve:1a-option_code"' in html
    assert 'name="resolve:2a-option_code"' not in html


def test_nothing_is_saved_until_each_conflict_has_a_choice(client, conflicting_upload):
    url, _ = conflicting_upload
    revision = Submission.objects.get().revision

    response = client.post(url, {"action": "confirm", "conflicted": "1a-option_code"})

    assert response.status_code == 422
    assert "Choose which value to keep." in text(response)
    assert Submission.objects.get().revision == revision
    assert stored("1a").option_code == "yes_all"
    assert stored("2a").option_code == ""


def test_keeping_the_colleagues_value_saves_the_rest_of_the_workbook(client, conflicting_upload):
    url, _ = conflicting_upload

    client.post(
        url,
        {
            "action": "confirm",
            "conflicted": "1a-option_code",
            "resolve:1a-option_code": "theirs",
            "seen:1a-option_code": "yes_all",
        },
    )

    assert stored("1a").option_code == "yes_all"
    assert (stored("2a").option_code, stored("2a").policy_name) == ("yes", "Labour Act")
    record = WorkbookUpload.objects.get()
    assert (record.kept_theirs, record.kept_mine, record.conflicts_left) == (1, 0, 0)


def test_using_the_workbooks_value_overrides_the_value_the_user_saw(client, conflicting_upload):
    url, _ = conflicting_upload

    client.post(
        url,
        {
            "action": "confirm",
            "conflicted": "1a-option_code",
            "resolve:1a-option_code": "mine",
            "seen:1a-option_code": "yes_all",
        },
    )

    assert stored("1a").option_code == "no"
    change = AnswerChange.objects.filter(item__code="1a").latest("revision")
    assert (change.old_value, change.new_value, change.changed_by.username) == (
        "yes_all",
        "no",
        "wanjiru",
    )


def test_a_colleague_saving_again_after_the_dry_run_is_not_overwritten(
    client, colleague, draft, conflicting_upload
):
    url, _ = conflicting_upload
    colleague_saves(colleague, draft, **{"1a-option_code": "yes_legal"})

    response = client.post(
        url,
        {
            "action": "confirm",
            "conflicted": "1a-option_code",
            "resolve:1a-option_code": "mine",
            "seen:1a-option_code": "yes_all",
        },
    )

    assert response.status_code == 409
    assert "Someone saved some of the same fields after you saw the dry run" in text(response)
    assert stored("1a").option_code == "yes_legal"
    assert stored("2a").option_code == "yes"  # the rest was saved
    assert WorkbookUpload.objects.get().conflicts_left == 1


def test_a_general_comment_changed_on_both_sides_is_a_conflict(
    client, focal_point, colleague, draft
):
    client.force_login(focal_point)
    workbook = fill(download(client), {}, general_comment="From the workbook")
    draft.refresh_from_db()
    save_draft(
        round=draft.round,
        country=draft.country,
        by=colleague,
        base_revision=draft.revision,
        entries={GENERAL_COMMENT: "Typed online"},
    )
    page = text(client.get(review_url(upload(client, workbook))))
    assert "General comment" in page and "Typed online" in page and "From the workbook" in page
    assert "1 field was also changed online" in page


def test_a_stranger_can_neither_download_nor_upload(client, draft, focal_point):
    client.force_login(focal_point)
    content = download(client)
    client.force_login(FocalPointFactory(countries=[CountryFactory(iso3="SEN")]))
    assert client.get(urls("round-open", "KEN")["download"]).status_code == 404
    assert upload(client, content).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, draft):
    response = client.get(urls("round-open", "KEN")["download"])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_upload_waiting_in_one_session_cannot_be_confirmed_by_another_user(
    client, focal_point, colleague, draft
):
    client.force_login(focal_point)
    url = review_url(upload(client, fill(download(client), {"3a": {"option_code": "Yes"}})))
    client.force_login(colleague)
    assert client.post(url, {"action": "confirm"}).status_code == 404
    assert stored("3a").option_code == ""


def test_a_submitted_questionnaire_can_be_downloaded_but_not_uploaded_to(
    client, focal_point, open_round, kenya
):
    from tests.questionnaire.factories import SubmissionFactory

    SubmissionFactory(round=open_round, country=kenya, state=Submission.State.SUBMITTED)
    client.force_login(focal_point)
    content = download(client)
    page = client.get(urls("round-open", "KEN")["upload"])
    assert 'id="upload-refused"' in page.content.decode()
    response = upload(client, fill(content, {"1a": {"option_code": "No"}}))
    assert response.status_code == 403
    assert not WorkbookUpload.objects.exists()
    assert stored("1a").option_code == ""


def test_an_analyst_uploads_a_countrys_workbook_on_its_behalf_with_its_source(
    client, draft, focal_point
):
    analyst = AnalystFactory(username="olga")
    client.force_login(focal_point)
    workbook = fill(download(client), {"5c": {"option_code": "Yes", "policy_name": "Decree 12"}})

    client.force_login(analyst)
    no_source = upload(client, workbook, query="?on_behalf=1")
    assert no_source.status_code == 400
    assert "Say where these answers come from" in text(no_source)

    url = review_url(
        upload(client, workbook, query="?on_behalf=1", source="E-mail of the ministry, 3 March")
    )
    client.post(url, {"action": "confirm", "on_behalf": "1"})

    assert stored("5c").policy_name == "Decree 12"
    record = WorkbookUpload.objects.get()
    assert record.entered_on_behalf and record.source == "E-mail of the ministry, 3 March"
    assert record.uploaded_by == analyst
    assert AnswerChange.objects.filter(item__code="5c").first().changed_by == analyst


def test_an_analyst_not_entering_on_behalf_cannot_upload(client, draft, focal_point):
    client.force_login(focal_point)
    workbook = fill(download(client), {"5c": {"option_code": "Yes"}})
    client.force_login(AnalystFactory())
    assert upload(client, workbook).status_code == 403
    assert stored("5c").option_code == ""
