"""The questionnaire pages: one view per action, the page itself built by ``presenter``."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kernel.messages import translate_when_shown
from policyindex.access import (
    edit_refusal_reason,
    questionnaire_refusal_reason,
    visible_country_or_404,
    visible_submission,
)

from .forms import read_posted
from .instrument_cache import version_items, version_texts
from .models import Round, Submission
from .presenter import questionnaire_page, shown_text
from .selectors import (
    FRAGMENTS_SECONDS,
    questionnaire_fragments_key,
    submissions_with_progress,
    with_previous_marker,
)
from .selectors import item_history as item_history_rows
from .services.answers import (
    NotEditable,
    save_draft,
    unanswered_items,
)


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


@dataclass
class Questionnaire:
    """The round, the country and its submission (None until the first save) a request is about."""

    round: Round
    country: object
    submission: Submission | None
    refusal: str | None
    # An analyst entering answers the country sent on paper or by e-mail.
    on_behalf: bool = False

    @property
    def subject(self) -> dict:
        """What the page builders take: the round, the country and the submission."""
        return {"round": self.round, "country": self.country, "submission": self.submission}

    @property
    def context(self) -> dict:
        return {**self.subject, "on_behalf": self.on_behalf}

    @property
    def url(self) -> str:
        url = reverse("questionnaire:fill", args=[self.round.code, self.country.iso3])
        return f"{url}?on_behalf=1" if self.on_behalf else url

    @property
    def revision(self) -> int:
        return self.submission.revision if self.submission else 0


def _questionnaire(request, round_code: str, iso3: str) -> Questionnaire:
    """What the URL names, if the user may see it (404 otherwise), and why they may not change it."""
    user = request.user
    on_behalf = user.is_analyst and "1" in (
        request.GET.get("on_behalf"),
        request.POST.get("on_behalf"),
    )
    submission = visible_submission(
        user,
        with_previous_marker(Submission.objects.select_related("round__version", "country")),
        round__code=round_code,
        country__iso3=iso3.upper(),
    )
    if submission is not None:
        return Questionnaire(
            submission.round,
            submission.country,
            submission,
            edit_refusal_reason(user, submission, on_behalf=on_behalf),
            on_behalf,
        )
    country = visible_country_or_404(user, iso3=iso3.upper())
    round_ = get_object_or_404(Round.objects.select_related("version"), code=round_code)
    refusal = questionnaire_refusal_reason(user, round=round_, country=country, on_behalf=on_behalf)
    return Questionnaire(round_, country, None, refusal, on_behalf)


# For the pages of other apps about the same questionnaire (the offline workbook, the print view).
questionnaire_for_request = _questionnaire


def _refused(request, message: str, *, status: int = 403, questionnaire=None):
    context = {"message": message, **(questionnaire.context if questionnaire else {})}
    return render(request, "questionnaire/refused.html", context, status=status)


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
    questionnaire = _questionnaire(request, round_code, iso3)
    if questionnaire.refusal:
        return _read_only(request, questionnaire)
    return _editable_page(request, questionnaire)


@require_GET
@login_required
def start_from_previous(request, round_code: str, iso3: str):
    """The form with the unanswered items filled from the previous round: shown, not saved."""
    questionnaire = _questionnaire(request, round_code, iso3)
    if questionnaire.refusal:
        return _read_only(request, questionnaire)
    page = questionnaire_page(**questionnaire.subject, prefill=True)
    return _render_form(request, questionnaire, page)


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
            **_review_notes(request, questionnaire),
            "fragments": fragments,
            "revision": questionnaire.revision,
        },
    )


def _render_form(request, questionnaire: Questionnaire, page, *, status: int = 200):
    context = {
        **questionnaire.context,
        **_review_notes(request, questionnaire),
        "page": page,
        "revision": questionnaire.revision,
    }
    return render(request, "questionnaire/fill.html", context, status=status)


def _read_only(request, questionnaire: Questionnaire, *, status: int = 200):
    notes = _review_notes(request, questionnaire)
    if questionnaire.submission is None:
        return render(
            request,
            "questionnaire/not_started.html",
            {**questionnaire.context, **notes},
            status=status,
        )
    page = questionnaire_page(**questionnaire.subject)
    context = {**questionnaire.context, **notes, "page": page, "reason": questionnaire.refusal}
    if questionnaire.submission.state == Submission.State.VALIDATED:
        # The score of the validated version (the newest record), for the country to see.
        context["score_record"] = questionnaire.submission.score_records.first()
    return render(request, "questionnaire/read_only.html", context, status=status)


def _review_notes(request, questionnaire: Questionnaire) -> dict:
    """What the review says to whoever fills or reads the questionnaire: the open queries, why it
    was returned, and for an analyst in scope whether they may enter answers on the country's
    behalf. A draft that was never submitted has no queries: nothing is read for it."""
    submission, user = questionnaire.submission, request.user
    notes: dict = {"return_note": None, "open_queries": [], "may_enter_on_behalf": False}
    if submission is not None and submission.state != Submission.State.DRAFT:
        texts = version_texts(questionnaire.round.version)
        queries = (
            submission.queries.filter(state="open")
            .select_related("item", "raised_by")
            .prefetch_related("messages__author")
            .order_by("raised_at", "pk")
        )
        notes["open_queries"] = [
            {
                "query": query,
                "item_name": texts[query.item.code].name
                if query.item_id and query.item.code in texts
                else "",
                "messages": list(query.messages.all()),
            }
            for query in queries
        ]
        if submission.state == Submission.State.RETURNED:
            notes["return_note"] = (
                submission.events.filter(action__in=["returned", "reopened"])
                .select_related("actor")
                .order_by("-at", "-pk")
                .first()
            )
    if user.is_analyst and not questionnaire.on_behalf:
        refusal = (
            edit_refusal_reason(user, submission, on_behalf=True)
            if submission is not None
            else questionnaire_refusal_reason(
                user, round=questionnaire.round, country=questionnaire.country, on_behalf=True
            )
        )
        notes["may_enter_on_behalf"] = refusal is None
    notes["on_behalf_url"] = (
        reverse("questionnaire:fill", args=[questionnaire.round.code, questionnaire.country.iso3])
        + "?on_behalf=1"
    )
    return notes


# --- Saving --------------------------------------------------------------------------------------


def _posted_for_another_questionnaire(post, questionnaire: Questionnaire) -> bool:
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


def _merge_posted(request, round_code: str, iso3: str):
    """Reads the posted form and saves what can be saved; returns (questionnaire, posted, outcome)
    or a response when nothing could be saved at all."""
    questionnaire = _questionnaire(request, round_code, iso3)
    if questionnaire.refusal:
        messages.error(
            request, _("Nothing was saved. %(reason)s") % {"reason": questionnaire.refusal}
        )
        return _read_only(request, questionnaire, status=403)
    if _posted_for_another_questionnaire(request.POST, questionnaire):
        return _refused(
            request,
            _("This form was sent for another questionnaire; nothing was saved."),
            questionnaire=questionnaire,
        )
    posted = read_posted(version_items(questionnaire.round.version), request.POST)
    if posted.base_revision is None:
        return _refused(request, _("This form is incomplete; nothing was saved."), status=400)
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
        return _read_only(request, questionnaire, status=403)
    except ValueError:
        return _refused(
            request,
            _("This form does not match the questionnaire; nothing was saved."),
            status=400,
            questionnaire=questionnaire,
        )
    questionnaire.submission = _fresh(outcome.submission, questionnaire)
    return questionnaire, posted, outcome


def _fresh(submission: Submission, questionnaire: Questionnaire) -> Submission:
    fresh = Submission.objects.select_related("updated_by").get(pk=submission.pk)
    fresh.round, fresh.country = questionnaire.round, questionnaire.country
    return fresh


def _with_what_was_not_saved(request, questionnaire, posted, outcome, *, errors=None):
    """The form again: saved values, with the user's input where it was not saved, and why."""
    errors = {**posted.errors, **(errors or {})}
    typed = {key: posted.typed[key] for key in posted.errors}
    typed.update({c.key: posted.typed[c.key] for c in outcome.conflicts})
    page = questionnaire_page(
        **questionnaire.subject, typed=typed, errors=errors, conflicts=outcome.conflicts
    )
    if outcome.changed:
        messages.success(request, gettext_lazy("Your other changes were saved."))
    return _render_form(request, questionnaire, page, status=409 if outcome.conflicts else 422)


@require_POST
@login_required
def save(request, round_code: str, iso3: str):
    merged = _merge_posted(request, round_code, iso3)
    if not isinstance(merged, tuple):
        return merged
    questionnaire, posted, outcome = merged
    if posted.errors or outcome.conflicts:
        return _with_what_was_not_saved(request, questionnaire, posted, outcome)
    response = redirect(questionnaire.url)
    set_language_chosen_on_the_form(request, response)
    # Lazy: translated when shown, in the language of the next page.
    if outcome.changed:
        messages.success(request, gettext_lazy("Draft saved."))
    else:
        messages.info(request, gettext_lazy("Nothing had changed since the last save."))
    return response


def set_language_chosen_on_the_form(request, response) -> None:
    """The form's language buttons save the draft, then the next page is in the chosen language."""
    language = request.POST.get("switch_language")
    if language in dict(settings.LANGUAGES):
        _set_language_cookie(response, language)


def _set_language_cookie(response, language: str) -> None:
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


# --- Submitting ----------------------------------------------------------------------------------


@require_POST
@login_required
def submit_for_review(request, round_code: str, iso3: str):
    """Saves the form, then asks the focal point to confirm the submission (nothing is submitted yet)."""
    merged = _merge_posted(request, round_code, iso3)
    if not isinstance(merged, tuple):
        return merged
    questionnaire, posted, outcome = merged
    if posted.errors or outcome.conflicts:
        messages.error(request, gettext_lazy("The questionnaire was not submitted."))
        return _with_what_was_not_saved(request, questionnaire, posted, outcome)
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
        return _render_form(request, questionnaire, page, status=422)
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
    questionnaire = _questionnaire(request, round_code, iso3)
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
