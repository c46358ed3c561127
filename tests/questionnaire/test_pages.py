"""The questionnaire page as a focal point, an analyst and a stranger see it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from questionnaire.models import Answer, AnswerChange, Submission
from questionnaire.services.answers import AnswerInput
from tests.factories import AnalystFactory, CountryFactory, FocalPointFactory, RoundFactory

from .factories import SubmissionFactory, answer_all, form_data, save_as


def stored(submission, code) -> Answer:
    return Answer.objects.get(submission=submission, item__code=code)


# --- Opening the page ----------------------------------------------------------------------


def test_opening_the_questionnaire_creates_nothing_and_the_first_save_creates_it(
    client, focal_point, open_round, kenya
):
    client.force_login(focal_point)
    url = reverse("questionnaire:fill", kwargs={"round_code": open_round.code, "iso3": "KEN"})
    html = client.get(url).content.decode()
    assert "Not saved yet." in html
    assert not Submission.objects.exists()

    data = {
        "submission": "",
        "round": open_round.code,
        "country": "KEN",
        "revision": "0",
        "1a-option_code": "no",
        "1a-policy_name": "Aliens Act",
    }
    assert client.post(url, data).status_code == 302
    submission = Submission.objects.get(round=open_round, country=kenya)
    assert submission.answers.count() == 30
    assert (stored(submission, "1a").option_code, stored(submission, "1a").policy_name) == (
        "no",
        "Aliens Act",
    )


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
    assert 'id="id_1a-option_code_1" value="yes_legal" checked' in html


def test_a_draft_with_a_malformed_link_saves_every_other_field_and_keeps_the_bad_one_typed(
    client, focal_point, draft, fill_url
):
    client.force_login(focal_point)
    data = form_data(
        draft,
        answers={
            "1a": {"option_code": "no", "policy_name": "Kept name"},
            "2b": {"option_code": "yes", "link": "not a link at all", "policy_year": "1200"},
        },
    )
    response = client.post(fill_url(draft), data)

    html = response.content.decode()
    assert response.status_code == 422
    assert "2 fields were not saved" in html
    assert "Your other changes were saved." in html
    assert re.search(r'href="#id_2b-link">2b\. [^<]+ — Link: Enter a valid URL\.</a>', html)
    assert 'value="not a link at all"' in html
    assert 'value="1200"' in html
    assert (stored(draft, "1a").option_code, stored(draft, "1a").policy_name) == ("no", "Kept name")
    assert (stored(draft, "2b").option_code, stored(draft, "2b").link) == ("yes", "")
    assert stored(draft, "2b").policy_year is None
    draft.refresh_from_db()
    assert draft.revision == 1
    assert 'name="revision" value="1"' in html
    # the page counts what the form shows: 1a and 2b answered
    assert "<span data-progress-total>2</span> / 30" in html


def test_text_longer_than_its_limit_is_refused_with_a_message_never_cut(
    client, focal_point, draft, fill_url
):
    client.force_login(focal_point)
    too_long = "x" * 501
    response = client.post(
        fill_url(draft), form_data(draft, answers={"1a": {"policy_name": too_long}})
    )
    html = response.content.decode()
    assert "at most 500 characters" in html
    assert f'value="{too_long}"' in html
    assert stored(draft, "1a").policy_name == ""


def test_each_text_field_shows_its_limit_and_no_browser_limit_cuts_what_is_pasted(
    client, focal_point, draft, fill_url
):
    client.force_login(focal_point)
    html = client.get(fill_url(draft)).content.decode()
    assert "maxlength" not in html
    assert 'data-limit="500"' in html and "Up to 500 characters." in html


def test_a_save_from_an_older_page_keeps_a_colleagues_answers_without_any_refusal(
    client, focal_point, draft, fill_url
):
    colleague = FocalPointFactory(username="otieno", first_name="Otieno", countries=[draft.country])
    opened = form_data(draft, answers={"1a": {"option_code": "no", "policy_name": "My typing"}})
    save_as(colleague, draft, {"3b": AnswerInput(option_code="yes", policy_name="Their act")})
    client.force_login(focal_point)

    response = client.post(fill_url(draft), opened)

    assert response.status_code == 302
    assert (stored(draft, "1a").option_code, stored(draft, "1a").policy_name) == ("no", "My typing")
    assert (stored(draft, "3b").option_code, stored(draft, "3b").policy_name) == (
        "yes",
        "Their act",
    )
    # and pressing Save again with the same old form still loses nothing
    assert client.post(fill_url(draft), opened).status_code == 302
    assert stored(draft, "3b").option_code == "yes"


def test_a_field_both_changed_shows_both_values_by_label_and_the_user_picks(
    client, focal_point, draft, fill_url
):
    colleague = FocalPointFactory(username="otieno", first_name="Otieno", countries=[draft.country])
    opened = form_data(draft, answers={"1a": {"option_code": "no"}, "2a": {"option_code": "yes"}})
    save_as(colleague, draft, {"1a": AnswerInput(option_code="yes_all")})
    client.force_login(focal_point)

    response = client.post(fill_url(draft), opened)

    html = response.content.decode()
    assert response.status_code == 409
    assert "A colleague changed the same fields" in html
    assert re.search(
        r'href="#conflict-1a-option_code">1a\. [^<]+ — Answer</a>\s*—\s*changed by Otieno', html
    )
    assert "Yes, regardless of immigration status" in html  # theirs, by its label
    assert 'class="conflict-mine">No<' in html
    assert "yes_all" not in re.sub(r'value="yes_all"|data-use-previous="[^"]*"', "", html)
    assert stored(draft, "1a").option_code == "yes_all"
    assert stored(draft, "2a").option_code == "yes"  # the rest was saved
    assert 'name="revision" value="2"' in html

    # The user keeps their own value: it is saved.
    draft.refresh_from_db()
    data = form_data(draft, answers={"1a": {"option_code": "no"}})
    data.update({"conflicted": "1a-option_code", "resolve:1a-option_code": "mine"})
    assert client.post(fill_url(draft), data).status_code == 302
    assert stored(draft, "1a").option_code == "no"


def test_a_conflict_left_undecided_is_not_saved_and_asks_for_a_choice(
    client, focal_point, draft, fill_url
):
    save_as(
        FocalPointFactory(countries=[draft.country]),
        draft,
        {"1a": AnswerInput(option_code="yes_all")},
    )
    client.force_login(focal_point)
    data = form_data(draft, answers={"1a": {"option_code": "no"}})
    data["conflicted"] = "1a-option_code"
    response = client.post(fill_url(draft), data)
    assert "Choose which value to keep." in response.content.decode()
    assert stored(draft, "1a").option_code == "yes_all"


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


def test_submitting_with_missing_items_saves_the_draft_and_lists_each_missing_item(
    client, focal_point, draft, fill_url
):
    answer_all(draft, leave_blank=("2d", "5a"))
    client.force_login(focal_point)
    data = form_data(draft, action="submit", answers={"1a": {"comment": "typed before submit"}})
    response = client.post(fill_url(draft), data)

    html = response.content.decode()
    assert "2 items have no answer" in html
    assert re.search(r'href="#item-2d">2d\. [^<]+ — Answer: Choose an answer\.', html)
    assert re.search(r'href="#item-5a">5a\. [^<]+ — Answer: Choose an answer\.', html)
    assert "typed before submit" in html
    draft.refresh_from_db()
    assert draft.state == Submission.State.DRAFT
    assert stored(draft, "1a").comment == "typed before submit"


def test_submitting_asks_for_confirmation_then_shows_a_read_only_copy_saying_so(
    client, focal_point, draft, fill_url
):
    answer_all(draft, policy_name="Migration Act")
    client.force_login(focal_point)
    asked = client.post(fill_url(draft), form_data(draft, action="submit"))
    html = asked.content.decode()
    assert "Submit the questionnaire for review?" in html
    assert "frozen" in html
    draft.refresh_from_db()
    assert draft.state == Submission.State.DRAFT

    confirm = reverse(
        "review:confirm_submission", kwargs={"round_code": draft.round.code, "iso3": "KEN"}
    )
    response = client.post(
        confirm, {"submission": draft.pk, "revision": draft.revision}, follow=True
    )
    html = response.content.decode()
    assert "the questionnaire was submitted" in html
    assert "Read-only copy." in html
    assert "frozen while the analysts review them" in html
    assert "Not saved yet" not in html
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
    save_as(focal_point, draft, {"1a": AnswerInput(option_code="no", link="https://example.org/a")})
    client.force_login(focal_point)
    url = reverse(
        "questionnaire:item_history",
        kwargs={"round_code": draft.round.code, "iso3": "KEN", "item_code": "1a"},
    )
    html = client.get(url).content.decode()
    assert "History of item 1a" in html
    assert "Wanjiru" in html
    assert "https://example.org/a" in html
    assert "<td>Answer</td>" in html and '<td class="text-break">No</td>' in html
    assert AnswerChange.objects.count() == 2


def test_the_history_of_an_unknown_item_is_404(client, focal_point, draft):
    client.force_login(focal_point)
    url = reverse(
        "questionnaire:item_history",
        kwargs={"round_code": draft.round.code, "iso3": "KEN", "item_code": "9z"},
    )
    assert client.get(url).status_code == 404


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
    assert "Previous round, Thirteenth Inquiry:" in html
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
    save_as(focal_point, draft, {"1a": AnswerInput(option_code="no")})
    client.force_login(focal_point)
    url = reverse(
        "questionnaire:start_from_previous", kwargs={"round_code": draft.round.code, "iso3": "KEN"}
    )
    html = client.get(url).content.decode()

    assert "Copied from the previous round: not saved yet" in html
    # unanswered items are filled; the focal point's own answer is kept
    assert 'id="id_1a-option_code_2" value="no" checked' in html
    assert 'id="id_2a-option_code_1" value="no" checked' in html
    assert 'id="prefill-notice"' in html
    # the progress counts what the form now shows
    assert "<span data-progress-total>30</span> / 30" in html
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


def test_the_message_after_switching_language_is_in_the_new_language(
    client, focal_point, draft, fill_url
):
    client.force_login(focal_point)
    data = form_data(draft, answers={"1a": {"option_code": "no"}}, switch_language="es")
    html = client.post(fill_url(draft), data, follow=True).content.decode()
    assert 'lang="es"' in html
    assert "Draft saved." not in html


def test_in_spanish_the_questionnaire_is_shown_in_spanish_and_marked_unofficial(
    client, focal_point, draft, fill_url
):
    client.force_login(focal_point)
    client.cookies["django_language"] = "es"
    html = client.get(fill_url(draft)).content.decode()
    assert 'lang="es"' in html
    assert 'id="unofficial-translation"' in html
    item = draft.round.version.items.get(code="1a")
    assert f"1a. {item.text_es}" in html


# --- What the page tells -------------------------------------------------------------------


def test_progress_is_counted_per_domain_and_overall(client, focal_point, draft, fill_url):
    answer_all(draft, leave_blank=("1a", "1b", "3c"))
    client.force_login(focal_point)
    html = client.get(fill_url(draft)).content.decode()
    assert "<span data-progress-total>27</span> / 30" in html
    assert re.search(r'data-progress-domain="1" data-progress-of="5">3 / 5<', html)
    assert re.search(r'data-progress-domain="3" data-progress-of="5">4 / 5<', html)
    assert re.search(r'data-progress-domain="2" data-progress-of="5">5 / 5<', html)


def test_a_round_not_yet_open_by_date_or_state_is_read_only_and_says_why(
    client, focal_point, draft, fill_url
):
    client.force_login(focal_point)
    round_ = draft.round
    round_.opens_on = timezone.localdate() + datetime.timedelta(days=3)
    round_.save()
    assert "does not accept answers" in client.get(fill_url(draft)).content.decode()
    round_.opens_on = timezone.localdate() - datetime.timedelta(days=3)
    round_.state = "planned"
    round_.save()
    html = client.get(fill_url(draft)).content.decode()
    assert "does not accept answers" in html and 'id="questionnaire"' not in html
    response = client.post(fill_url(draft), form_data(draft, answers={"1a": {"option_code": "no"}}))
    assert response.status_code == 403
    assert stored(draft, "1a").option_code == ""


def test_a_validated_questionnaire_is_read_only_for_everyone_and_says_it_is_final(
    client, focal_point, draft, fill_url
):
    answer_all(draft)
    draft.state = Submission.State.VALIDATED
    draft.save()
    for user in (focal_point, AnalystFactory()):
        client.force_login(user)
        html = client.get(fill_url(draft)).content.decode()
        assert "validated: its answers are final" in html
        assert "Not saved yet" not in html
        assert "only a focal point" not in html
    client.force_login(focal_point)
    response = client.post(fill_url(draft), form_data(draft, answers={"1a": {"option_code": "no"}}))
    assert response.status_code == 403
    assert stored(draft, "1a").option_code == "yes_all"


@pytest.mark.parametrize("field, value", [("round", "another-round"), ("country", "SEN")])
def test_a_form_with_a_forged_round_or_country_changes_nothing(
    client, focal_point, draft, fill_url, field, value
):
    client.force_login(focal_point)
    data = form_data(draft, answers={"1a": {"option_code": "no"}}, **{field: value})
    response = client.post(fill_url(draft), data)
    assert response.status_code == 403
    assert "another questionnaire" in response.content.decode()
    assert stored(draft, "1a").option_code == ""


def test_no_answer_code_appears_on_the_questionnaire_pages(client, focal_point, draft, fill_url):
    answer_all(draft)
    client.force_login(focal_point)
    html = client.get(fill_url(draft)).content.decode()
    visible = re.sub(r'(value|data-use-previous)="[^"]*"', "", html)
    assert "yes_all" not in visible and "yes_legal" not in visible
