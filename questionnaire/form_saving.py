"""A posted questionnaire form saved as a draft: merged field by field with what colleagues saved
since the form's revision, and the form shown again with whatever could not be saved."""

from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import read_posted
from .instrument_cache import version_items
from .models import Submission
from .pages import (
    Questionnaire,
    questionnaire_for_request,
    read_only_page,
    refused_page,
    render_form,
)
from .presenter import questionnaire_page
from .services.answers import NotEditable, save_draft


def posted_for_another_questionnaire(post, questionnaire: Questionnaire) -> bool:
    submission = questionnaire.submission
    if (
        post.get("round") != questionnaire.round.code
        or post.get("country") != questionnaire.country.iso3
    ):
        return True
    posted = post.get("submission", "")
    if submission is None:
        return posted != ""
    # A page opened before the first save (by anyone) has no submission yet, and revision 0.
    return posted != str(submission.pk) and not (posted == "" and post.get("revision") == "0")


def merge_posted_form(request, round_code: str, iso3: str):
    """Reads the posted form and saves what can be saved; returns (questionnaire, posted, outcome)
    or a response when nothing could be saved at all."""
    questionnaire = questionnaire_for_request(request, round_code, iso3)
    if questionnaire.refusal:
        messages.error(
            request, _("Nothing was saved. %(reason)s") % {"reason": questionnaire.refusal}
        )
        return read_only_page(request, questionnaire, status=403)
    if posted_for_another_questionnaire(request.POST, questionnaire):
        return refused_page(
            request,
            _("This form was sent for another questionnaire; nothing was saved."),
            questionnaire=questionnaire,
        )
    posted = read_posted(version_items(questionnaire.round.version), request.POST)
    if posted.base_revision is None:
        return refused_page(request, _("This form is incomplete; nothing was saved."), status=400)
    try:
        outcome = save_draft(
            round=questionnaire.round,
            country=questionnaire.country,
            by=request.user,
            base_revision=posted.base_revision,
            entries=posted.entries,
            keep_theirs=posted.keep_theirs,
            on_behalf=questionnaire.on_behalf,
        )
    except NotEditable as refusal:
        questionnaire.refusal = refusal.message
        return read_only_page(request, questionnaire, status=403)
    except ValueError:
        return refused_page(
            request,
            _("This form does not match the questionnaire; nothing was saved."),
            status=400,
            questionnaire=questionnaire,
        )
    questionnaire.submission = fresh_submission(outcome.submission, questionnaire)
    return questionnaire, posted, outcome


def fresh_submission(submission: Submission, questionnaire: Questionnaire) -> Submission:
    fresh = Submission.objects.select_related("updated_by").get(pk=submission.pk)
    fresh.round, fresh.country = questionnaire.round, questionnaire.country
    return fresh


def form_with_what_was_not_saved(request, questionnaire, posted, outcome, *, errors=None):
    """The form again: saved values, with the user's input where it was not saved, and why."""
    errors = {**posted.errors, **(errors or {})}
    typed = {key: posted.typed[key] for key in posted.errors}
    typed.update({c.key: posted.typed[c.key] for c in outcome.conflicts})
    page = questionnaire_page(
        **questionnaire.subject, typed=typed, errors=errors, conflicts=outcome.conflicts
    )
    if outcome.changed:
        messages.success(request, gettext_lazy("Your other changes were saved."))
    return render_form(request, questionnaire, page, status=409 if outcome.conflicts else 422)


def set_language_chosen_on_the_form(request, response) -> None:
    """The form's language buttons save the draft, then the next page is in the chosen language."""
    language = request.POST.get("switch_language")
    if language in dict(settings.LANGUAGES):
        set_language_cookie(response, language)


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
