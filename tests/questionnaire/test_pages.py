"""The questionnaire page as a focal point, an analyst and a stranger see it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from questionnaire.models import Answer, AnswerChange, Submission
from questionnaire.services.answers import AnswerInput, save_draft
from tests.factories import AnalystFactory, CountryFactory, FocalPointFactory, RoundFactory

from .factories import SubmissionFactory, answer_all, form_data


def stored(submission, code) -> Answer:
    return Answer.objects.get(submission=submission, item__code=code)


# --- Opening the page ----------------------------------------------------------------------


def test_a_focal_point_opening_the_questionnaire_creates_the_countrys_submission_once(
    client, focal_point, open_round, kenya
):
    client.force_login(focal_point)
    url = reverse("questionnaire:fill", kwargs={"round_code": open_round.code, "iso3": "KEN"})
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    submission = Submission.objects.get(round=open_round, country=kenya)
    assert submission.answers.count() == 30


def test_the_page_shows_six_domains_each_with_its_question_and_five_items(
    client, focal_point, draft, fill_url
):
    client.force_login(focal_point)
    html = client.get(fill_url(draft)).content.decode()
    assert html.count("<fieldset") == 30
    assert html.count("<legend") == 30
    assert len(re.findall(r'<section id="domain-\d"', html)) == 6
    # Domain 1 offers three options, domains 2 to 6 two.
    assert html.count('name="1a-option_code"') == 3
    assert html.count('name="6e-option_code"') == 2
    assert "Yes, only for those with legal immigration status" in html
    assert "<span data-progress-total>0</span> / 30" in html


def test_a_focal_point_cannot_open_another_countrys_questionnaire(client, draft, fill_url):
    client.force_login(FocalPointFactory(countries=[CountryFactory()]))
    response = client.get(fill_url(draft))
    assert response.status_code == 404
    assert "Kenya" not in response.content.decode()


def test_an_analyst_outside_the_region_gets_404_and_inside_a_read_only_copy(
    client, draft, fill_url
):
    client.force_login(AnalystFactory(regions=[CountryFactory().sdg_region]))
    assert client.get(fill_url(draft)).status_code == 404
    client.force_login(AnalystFactory(regions=[draft.country.sdg_region]))
    response = client.get(fill_url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Read-only copy." in html
    assert 'id="questionnaire"' not in html


def test_an_analyst_opening_an_unstarted_questionnaire_creates_nothing(client, open_round, kenya):
    client.force_login(AnalystFactory())
    url = reverse("questionnaire:fill", kwargs={"round_code": open_round.code, "iso3": "KEN"})
    assert "No answer has been started" in client.get(url).content.decode()
    assert not Submission.objects.exists()


def test_after_the_closing_date_the_page_is_read_only_and_says_why(
    client, focal_point, draft, fill_url
):
    draft.round.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    draft.round.save()
    client.force_login(focal_point)
    html = client.get(fill_url(draft)).content.decode()
    assert "Read-only copy." in html
    assert "The round closed on" in html
    assert 'name="action"' not in html


# --- Saving a draft ----------------------------------------------------------------------


def test_saving_a_draft_keeps_the_answers_and_shows_who_saved_last(
    client, focal_point, draft, fill_url
):
    client.force_login(focal_point)
    data = form_data(
        draft,
        answers={
            "1a": {"option_code": "yes_legal", "policy_name": "Health Act", "policy_year": "2017"},
            "4c": {"option_code": "no", "link": "https://example.org/law", "comment": "See annex"},
        },
    )
    response = client.post(fill_url(draft), data, follow=True)

    assert response.status_code == 200
    assert stored(draft, "1a").option_code == "yes_legal"
    assert stored(draft, "1a").policy_year == 2017
    assert stored(draft, "4c").link == "https://example.org/law"
    html = response.content.decode()
    assert "Draft saved." in html
    assert "by Wanjiru" in html
    assert 'value="yes_legal"  id="id_1a-option_code_1" checked' in html


def test_a_draft_with_a_malformed_link_is_refused_and_keeps_every_input(
    client, focal_point, draft, fill_url
):
    client.force_login(focal_point)
    data = form_data(
        draft,
        answers={
            "1a": {"option_code": "no", "policy_name": "Kept name"},
            "2b": {"option_code": "yes", "link": "not a link at all"},
        },
    )
    response = client.post(fill_url(draft), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in html
    assert 'href="#id_2b-link"' in html
    assert 'value="not a link at all"' in html
    assert 'value="Kept name"' in html
    assert stored(draft, "1a").option_code == ""
    draft.refresh_from_db()
    assert draft.revision == 0


def test_a_stale_save_is_refused_shows_who_changed_what_and_keeps_the_input(
    client, focal_point, draft, fill_url
):
    colleague = FocalPointFactory(username="otieno", first_name="Otieno", countries=[draft.country])
    opened = form_data(draft, answers={"1a": {"option_code": "no", "policy_name": "My typing"}})
    save_draft(
        submission=draft,
        by=colleague,
        base_revision=0,
        answers={"3b": AnswerInput(option_code="yes")},
        general_comment="",
    )
    client.force_login(focal_point)
    response = client.post(fill_url(draft), opened)

    html = response.content.decode()
    assert response.status_code == 409
    assert "Not saved: someone else saved this questionnaire" in html
    assert re.search(r'href="#item-3b">3b</a>\s*—\s*changed by Otieno', html)
    assert 'value="My typing"' in html
    assert 'name="revision" value="1"' in html
    assert stored(draft, "1a").option_code == ""
    assert stored(draft, "3b").option_code == "yes"


def test_the_input_kept_after_a_stale_save_can_then_be_saved(client, focal_point, draft, fill_url):
    colleague = FocalPointFactory(countries=[draft.country])
    opened = form_data(draft, answers={"1a": {"option_code": "no"}})
    save_draft(
        submission=draft,
        by=colleague,
        base_revision=0,
        answers={"3b": AnswerInput(option_code="yes")},
        general_comment="",
    )
    client.force_login(focal_point)
    client.post(fill_url(draft), opened)
    opened["revision"] = "1"
    opened["3b-option_code"] = "yes"
    assert client.post(fill_url(draft), opened).status_code == 302
    assert stored(draft, "1a").option_code == "no"
    assert stored(draft, "3b").option_code == "yes"


# --- Forged posts --------------------------------------------------------------------------


def test_a_form_posted_for_another_submission_changes_nothing(client, focal_point, draft, fill_url):
    other = SubmissionFactory(
        round=RoundFactory(version=draft.round.version), country=draft.country
    )
    client.force_login(focal_point)
    data = form_data(draft, answers={"1a": {"option_code": "no"}}, submission=str(other.pk))
    response = client.post(fill_url(draft), data)
    assert response.status_code == 403
    assert "another questionnaire" in response.content.decode()
    assert stored(draft, "1a").option_code == ""
    assert stored(other, "1a").option_code == ""


def test_a_form_posted_for_a_country_not_assigned_changes_nothing(client, draft, fill_url):
    client.force_login(FocalPointFactory(countries=[CountryFactory()]))
    response = client.post(fill_url(draft), form_data(draft, answers={"1a": {"option_code": "no"}}))
    assert response.status_code == 404
    assert stored(draft, "1a").option_code == ""


def test_an_analyst_cannot_change_answers(client, draft, fill_url):
    client.force_login(AnalystFactory())
    response = client.post(fill_url(draft), form_data(draft, answers={"1a": {"option_code": "no"}}))
    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()
    assert stored(draft, "1a").option_code == ""


# --- Submitting ----------------------------------------------------------------------------


def test_submitting_with_missing_items_lists_each_of_them_and_keeps_the_input(
    client, focal_point, draft, fill_url
):
    answer_all(draft, leave_blank=("2d", "5a"))
    client.force_login(focal_point)
    data = form_data(draft, action="submit", answers={"1a": {"comment": "typed before submit"}})
    response = client.post(fill_url(draft), data)

    html = response.content.decode()
    assert "2 problems to correct" in html
    assert 'href="#item-2d">2d — Answer: Choose an answer.' in html
    assert 'href="#item-5a">5a — Answer: Choose an answer.' in html
    assert "typed before submit" in html
    draft.refresh_from_db()
    assert draft.state == Submission.State.DRAFT
    assert stored(draft, "1a").comment == ""


def test_after_submitting_the_focal_point_sees_a_read_only_copy_with_a_confirmation(
    client, focal_point, draft, fill_url
):
    answer_all(draft, policy_name="Migration Act")
    client.force_login(focal_point)
    response = client.post(fill_url(draft), form_data(draft, action="submit"), follow=True)

    html = response.content.decode()
    assert "the questionnaire was submitted" in html
    assert "Read-only copy." in html
    assert "Migration Act" in html
    assert 'name="action"' not in html
    draft.refresh_from_db()
    assert draft.state == Submission.State.SUBMITTED
    # and it stays read-only: a later post changes nothing
    again = client.post(fill_url(draft), form_data(draft, answers={"1a": {"option_code": "no"}}))
    assert again.status_code == 403
    assert stored(draft, "1a").option_code == "yes_all"


# --- History -------------------------------------------------------------------------------


def test_an_items_history_shows_who_changed_it_from_what_to_what(client, focal_point, draft):
    save_draft(
        submission=draft,
        by=focal_point,
        base_revision=0,
        answers={"1a": AnswerInput(option_code="no", link="https://example.org/a")},
        general_comment="",
    )
    client.force_login(focal_point)
    url = reverse(
        "questionnaire:item_history",
        kwargs={"round_code": draft.round.code, "iso3": "KEN", "item_code": "1a"},
    )
    html = client.get(url).content.decode()
    assert "History of item 1a" in html
    assert "Wanjiru" in html
    assert "https://example.org/a" in html
    assert "<td>answer</td>" in html and '<td class="text-break">No</td>' in html
    assert AnswerChange.objects.count() == 2


def test_another_countrys_item_history_is_404(client, draft):
    client.force_login(FocalPointFactory(countries=[CountryFactory()]))
    url = reverse(
        "questionnaire:item_history",
        kwargs={"round_code": draft.round.code, "iso3": "KEN", "item_code": "1a"},
    )
    assert client.get(url).status_code == 404


# --- Previous round ------------------------------------------------------------------------


@pytest.fixture
def previous(draft, instrument):
    earlier = RoundFactory(version=instrument, reference_year=2021, name="Thirteenth Inquiry")
    submission = SubmissionFactory(round=earlier, country=draft.country)
    answer_all(submission, policy_name="Old Act")
    Answer.objects.filter(submission=submission, item__code="2a").update(option_code="no")
    submission.state = Submission.State.VALIDATED
    submission.save()
    return submission


def test_the_previous_rounds_validated_answers_appear_beside_each_item(
    client, focal_point, draft, previous, fill_url
):
    client.force_login(focal_point)
    html = client.get(fill_url(draft)).content.decode()
    assert html.count('class="previous-answer"') == 30
    assert "In Thirteenth Inquiry:" in html
    assert "Start from the previous round's answers" in html


def test_an_unvalidated_earlier_submission_is_not_offered_as_the_previous_round(
    client, focal_point, draft, previous, fill_url
):
    previous.state = Submission.State.SUBMITTED
    previous.save()
    client.force_login(focal_point)
    html = client.get(fill_url(draft)).content.decode()
    assert 'class="previous-answer"' not in html


def test_starting_from_the_previous_round_fills_the_form_but_saves_nothing(
    client, focal_point, draft, previous, fill_url
):
    save_draft(
        submission=draft,
        by=focal_point,
        base_revision=0,
        answers={"1a": AnswerInput(option_code="no")},
        general_comment="",
    )
    client.force_login(focal_point)
    html = client.get(fill_url(draft) + "?start=previous").content.decode()

    assert "Copied from the previous round: not saved yet" in html
    # unanswered items are filled; the focal point's own answer is kept
    assert 'value="no"  id="id_1a-option_code_2" checked' in html
    assert 'value="no"  id="id_2a-option_code_1" checked' in html
    assert 'value="Old Act"' in html
    assert stored(draft, "2a").option_code == ""
    assert draft.answers.exclude(option_code="").count() == 1


# --- Languages -----------------------------------------------------------------------------


def in_french(client):
    client.cookies["django_language"] = "fr"


def test_in_french_the_instrument_is_shown_in_french_and_marked_unofficial(
    client, focal_point, draft, fill_url
):
    client.force_login(focal_point)
    in_french(client)
    html = client.get(fill_url(draft)).content.decode()
    assert "1a. Soins de santé essentiels et/ou d’urgence" in html
    assert "Oui, quel que soit le statut migratoire" in html
    assert 'id="unofficial-translation"' in html
    # the official English question stays available beside the translation
    question = draft.round.version.domains.get(number=1).question
    assert re.search(r'<span lang="en">[^<]*' + re.escape(question), html)


def test_a_missing_translation_falls_back_to_english(client, focal_point, draft, fill_url):
    item = draft.round.version.items.get(code="1b")
    item.text_fr = ""
    item.save()
    client.force_login(focal_point)
    in_french(client)
    html = client.get(fill_url(draft)).content.decode()
    assert "1b. Public education" in html


def test_answers_given_in_french_are_stored_as_option_codes(client, focal_point, draft, fill_url):
    client.force_login(focal_point)
    in_french(client)
    client.post(fill_url(draft), form_data(draft, answers={"1a": {"option_code": "yes_all"}}))
    assert stored(draft, "1a").option_code == "yes_all"


def test_switching_language_with_unsaved_changes_saves_them_and_then_switches(
    client, focal_point, draft, fill_url
):
    client.force_login(focal_point)
    data = form_data(draft, answers={"1a": {"option_code": "no"}}, switch_language="fr")
    response = client.post(fill_url(draft), data, follow=True)
    assert stored(draft, "1a").option_code == "no"
    assert 'lang="fr"' in response.content.decode()
    assert "Soins de santé essentiels" in response.content.decode()


def test_a_save_without_the_general_comment_field_leaves_the_comment_alone(
    client, focal_point, draft, fill_url
):
    draft.general_comment = "Reviewed by the ministry"
    draft.save()
    client.force_login(focal_point)
    data = form_data(draft, answers={"2a": {"option_code": "yes"}})
    del data["general_comment"]
    client.post(fill_url(draft), data)
    draft.refresh_from_db()
    assert draft.general_comment == "Reviewed by the ministry"
    assert stored(draft, "2a").option_code == "yes"
