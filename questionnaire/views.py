"""The questionnaire pages: one view per action, the page itself built by ``presenter``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kernel.messages import translate_when_shown
from policyindex.access import visible_country_or_404

from .form_saving import (
    form_with_what_was_not_saved,
    merge_posted_form,
    set_language_chosen_on_the_form,
)
from .instrument_cache import version_items
from .models import Round
from .pages import (
    Questionnaire,
    questionnaire_for_request,
    read_only_page,
    render_form,
    review_notes,
)
from .presenter import questionnaire_page, shown_text
from .selectors import (
    FRAGMENTS_SECONDS,
    questionnaire_fragments_key,
    submissions_with_progress,
)
from .selectors import item_history as item_history_rows
from .services.answers import unanswered_items
from .views_evidence import files_were_chosen, save_with_files, submit_with_files


@login_required
def country_detail(request, iso3: str):
    country = visible_country_or_404(request.user, iso3=iso3.upper())
    submissions = {s.round_id: s for s in submissions_with_progress(country.submissions.all())}
    rounds = [
        {"round": r, "submission": submissions.get(r.pk)}
        for r in Round.objects.select_related("version")
    ]
    return render(
        request, "questionnaire/country_detail.html", {"country": country, "rounds": rounds}
    )


# --- Reading -------------------------------------------------------------------------------------


@login_required
def fill(request, round_code: str, iso3: str):
    """The country's questionnaire for the round: the form while editable, else a read-only copy.

    A POST here (the form's default target) is a draft save, or a submission when its button was used.
    """
    if request.method == "POST":
        if request.POST.get("action") == "submit":
            return submit_for_review(request, round_code, iso3)
        return save(request, round_code, iso3)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    questionnaire = questionnaire_for_request(request, round_code, iso3)
    if questionnaire.refusal:
        return read_only_page(request, questionnaire)
    return _editable_page(request, questionnaire)


@require_GET
@login_required
def start_from_previous(request, round_code: str, iso3: str):
    """The form with the unanswered items filled from the previous round: shown, not saved."""
    questionnaire = questionnaire_for_request(request, round_code, iso3)
    if questionnaire.refusal:
        return read_only_page(request, questionnaire)
    page = questionnaire_page(**questionnaire.subject, prefill=True)
    return render_form(request, questionnaire, page)


def _editable_page(request, questionnaire: Questionnaire):
    """The form as saved, served from fragments cached by revision (the security token never is)."""
    key = questionnaire_fragments_key(**questionnaire.subject)
    if questionnaire.on_behalf:
        key += ":on-behalf"
    fragments = cache.get(key)
    if fragments is None:
        page = questionnaire_page(**questionnaire.subject)
        context = {**questionnaire.context, "page": page, "revision": questionnaire.revision}
        fragments = {
            part: render_to_string(f"questionnaire/includes/{name}.html", context, request)
            for part, name in (("header", "header"), ("top", "fill_top"), ("items", "fill_items"))
        }
        cache.set(key, fragments, FRAGMENTS_SECONDS)
    return render(
        request,
        "questionnaire/fill.html",
        {
            **questionnaire.context,
            **review_notes(request, questionnaire),
            "fragments": fragments,
            "revision": questionnaire.revision,
        },
    )


# --- Saving --------------------------------------------------------------------------------------


@require_POST
@login_required
def save(request, round_code: str, iso3: str):
    if files_were_chosen(request):
        return save_with_files(request, round_code, iso3)
    merged = merge_posted_form(request, round_code, iso3)
    if not isinstance(merged, tuple):
        return merged
    questionnaire, posted, outcome = merged
    if posted.errors or outcome.conflicts:
        return form_with_what_was_not_saved(request, questionnaire, posted, outcome)
    response = redirect(questionnaire.url)
    set_language_chosen_on_the_form(request, response)
    # Lazy: translated when shown, in the language of the next page.
    if outcome.changed:
        messages.success(request, gettext_lazy("Draft saved."))
    else:
        messages.info(request, gettext_lazy("Nothing had changed since the last save."))
    return response


# --- Submitting ----------------------------------------------------------------------------------


@require_POST
@login_required
def submit_for_review(request, round_code: str, iso3: str):
    """Saves the form, then asks the focal point to confirm the submission (nothing is submitted yet)."""
    if files_were_chosen(request):
        return submit_with_files(request, round_code, iso3)
    merged = merge_posted_form(request, round_code, iso3)
    if not isinstance(merged, tuple):
        return merged
    questionnaire, posted, outcome = merged
    if posted.errors or outcome.conflicts:
        messages.error(request, gettext_lazy("The questionnaire was not submitted."))
        return form_with_what_was_not_saved(request, questionnaire, posted, outcome)
    missing = unanswered_items(questionnaire.submission)
    if missing:
        if outcome.changed:
            messages.success(request, gettext_lazy("Your changes were saved as a draft."))
        messages.error(
            request,
            translate_when_shown(
                ngettext_lazy(
                    "The questionnaire was not submitted: %(count)s item has no answer.",
                    "The questionnaire was not submitted: %(count)s items have no answer.",
                    len(missing),
                ),
                count=len(missing),
            ),
        )
        errors = {(code, "option_code"): _("Choose an answer.") for code in missing}
        page = questionnaire_page(**questionnaire.subject, errors=errors)
        return render_form(request, questionnaire, page, status=422)
    return render(
        request,
        "questionnaire/confirm_submit.html",
        {
            **questionnaire.context,
            "revision": questionnaire.submission.revision,
            "saved_now": bool(outcome.changed),
        },
    )


# --- History -------------------------------------------------------------------------------------


@require_GET
@login_required
def item_history(request, round_code: str, iso3: str, item_code: str):
    questionnaire = questionnaire_for_request(request, round_code, iso3)
    items = {i.code: i for i in version_items(questionnaire.round.version)}
    item = items.get(item_code)
    if item is None or questionnaire.submission is None:
        raise Http404
    changes = [
        {
            "at": change.changed_at,
            "by": change.changed_by_name,
            "field": change.get_field_display(),
            "old": shown_text(item, change.field, change.old_value),
            "new": shown_text(item, change.field, change.new_value),
        }
        for change in item_history_rows(questionnaire.submission, item)
    ]
    return render(
        request,
        "questionnaire/item_history.html",
        {**questionnaire.context, "item": item, "changes": changes},
    )
