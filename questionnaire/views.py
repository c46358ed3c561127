from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from policyindex.access import (
    can_start_submission,
    edit_refusal_reason,
    visible_country_or_404,
    visible_submission,
)

from .forms import QuestionnaireForm
from .instrument_cache import version_items
from .models import Round, Submission
from .selectors import (
    FRAGMENTS_SECONDS,
    questionnaire_fragments_key,
    questionnaire_page,
    submissions_with_progress,
    with_previous_marker,
)
from .selectors import (
    item_history as item_history_rows,
)
from .services.answers import (
    AnswerInput,
    IncompleteSubmission,
    NotEditable,
    StaleSave,
    save_draft,
    submit,
)
from .services.submissions import start_submission


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


def _round_and_country(request, round_code: str, iso3: str):
    country = visible_country_or_404(request.user, iso3=iso3.upper())
    round_ = get_object_or_404(Round.objects.select_related("version"), code=round_code)
    return round_, country


def _visible_submission(user, round_code: str, iso3: str) -> Submission | None:
    """The submission with its round and country, if it exists and the user may see the country.

    Only what a page served from the cache needs is joined; the rest loads on a cache miss.
    """
    return visible_submission(
        user,
        with_previous_marker(Submission.objects.select_related("round", "country")),
        round__code=round_code,
        country__iso3=iso3.upper(),
    )


def _existing_submission(round_, country) -> Submission | None:
    submission = (
        Submission.objects.select_related("updated_by")
        .filter(round=round_, country=country)
        .first()
    )
    if submission is not None:
        submission.round, submission.country = round_, country
    return submission


def _refused(
    request, message: str, *, status: int = 403, submission=None, round_=None, country=None
):
    return render(
        request,
        "questionnaire/refused.html",
        {"message": message, "submission": submission, "round": round_, "country": country},
        status=status,
    )


@login_required
def fill(request, round_code: str, iso3: str):
    """The country's questionnaire for the round: the form while editable, else a read-only copy."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    submission = _visible_submission(request.user, round_code, iso3)
    if submission is None:
        round_, country = _round_and_country(request, round_code, iso3)
        if not can_start_submission(request.user, round=round_, country=country):
            if request.method == "POST":
                return _refused(
                    request, _("You cannot answer this questionnaire; nothing was saved.")
                )
            return render(
                request,
                "questionnaire/not_started.html",
                {"round": round_, "country": country},
            )
        start_submission(round=round_, country=country, by=request.user)
        submission = _existing_submission(round_, country)
    reason = edit_refusal_reason(request.user, submission)
    if request.method == "POST":
        return _post(request, submission, reason)
    if reason:
        return _read_only(request, submission, reason)
    if request.GET.get("start") == "previous":
        return _render_prefilled_form(request, submission)
    return _render_form(request, submission)


def _render_prefilled_form(request, submission):
    """The form with the unanswered items filled from the previous round: shown, not saved."""
    page = questionnaire_page(submission)
    initial = page.saved_answers()
    prefilled = page.previous is not None
    for code, row in page.rows.items():
        if prefilled and row.answer is not None and not row.answer.option_code and row.previous:
            values = row.previous_values()
            if values["option_code"]:
                initial[code] = AnswerInput(**values)
                row.prefilled = True
    form = QuestionnaireForm(
        items=page.items,
        initial=initial,
        general_comment=submission.general_comment,
        revision=submission.revision,
    )
    return _render_form(request, submission, page=page, form=form, prefilled=prefilled)


def _render_form(
    request,
    submission,
    *,
    page=None,
    form=None,
    status=200,
    problems=None,
    conflict=None,
    prefilled=False,
):
    """The questionnaire form. Shown as saved, it is served from fragments cached by revision."""
    context = {
        "submission": submission,
        "round": submission.round,
        "country": submission.country,
        "problems": problems or [],
        "conflict": conflict,
        "prefilled": prefilled,
        "dirty": bool(problems or conflict or prefilled),
    }
    if form is None and page is None:
        key = questionnaire_fragments_key(submission)
        fragments = cache.get(key)
        if fragments is None:
            page = questionnaire_page(submission)
            form = QuestionnaireForm(
                items=page.items,
                initial=page.saved_answers(),
                general_comment=submission.general_comment,
                revision=submission.revision,
            )
            fragments = _render_fragments(request, {**context, **_page_context(page, form)})
            cache.set(key, fragments, FRAGMENTS_SECONDS)
        context.update(fragments=fragments, revision=submission.revision)
    else:
        context.update(_page_context(page, form))
        context["revision"] = form.submission_form["revision"].value()
    return render(request, "questionnaire/fill.html", context, status=status)


def _page_context(page, form) -> dict:
    rendered = form.rendered_item_forms()
    history_url = reverse(
        "questionnaire:item_history",
        kwargs={
            "round_code": page.submission.round.code,
            "iso3": page.submission.country.iso3,
            "item_code": "ITEM",
        },
    )
    for block in page.domains:
        for row in block.rows:
            row.form_html = rendered[row.item.code]
            row.has_errors = form.data is not None and bool(form.item_forms[row.item.code].errors)
            row.history_url = history_url.replace("/ITEM/", f"/{row.item.code}/")
    return {"page": page, "form": form}


def _render_fragments(request, context: dict) -> dict[str, str]:
    return {
        part: render_to_string(f"questionnaire/includes/fill_{part}.html", context, request)
        for part in ("top", "items")
    }


def _read_only(request, submission, reason: str, *, status: int = 200):
    page = questionnaire_page(submission)
    return render(
        request,
        "questionnaire/read_only.html",
        {
            "page": page,
            "submission": submission,
            "round": submission.round,
            "country": submission.country,
            "reason": reason,
        },
        status=status,
    )


def _posted_for_another_questionnaire(request, submission) -> bool:
    post = request.POST
    return (
        post.get("submission") != str(submission.pk)
        or post.get("round") != submission.round.code
        or post.get("country") != submission.country.iso3
    )


def _post(request, submission, reason: str | None):
    if reason:
        messages.error(request, _("Nothing was saved. %(reason)s") % {"reason": reason})
        return _read_only(request, submission, reason, status=403)
    if _posted_for_another_questionnaire(request, submission):
        return _refused(
            request,
            _("This form was sent for another questionnaire; nothing was saved."),
            submission=submission,
            round_=submission.round,
            country=submission.country,
        )
    action = request.POST.get("action")
    if action not in ("save", "submit"):
        return _refused(request, _("Unknown action; nothing was saved."), status=400)
    items = version_items(submission.round.version)
    form = QuestionnaireForm(items=items, data=request.POST, submitting=action == "submit")
    if not form.is_valid():
        return _render_problems(request, submission, items, form)
    arguments = {
        "submission": submission,
        "by": request.user,
        "base_revision": form.base_revision,
        "answers": form.answers(),
        "general_comment": form.general_comment,
    }
    try:
        if action == "submit":
            submit(**arguments)
            messages.success(
                request,
                _("Thank you: the questionnaire was submitted. It now waits for review."),
            )
        else:
            outcome = save_draft(**arguments)
            if outcome.changed:
                messages.success(request, _("Draft saved."))
            else:
                messages.info(request, _("Nothing had changed since the last save."))
    except NotEditable as refusal:
        return _read_only(request, submission, refusal.message, status=403)
    except StaleSave as stale:
        return _stale(request, submission, items, stale)
    except IncompleteSubmission as incomplete:
        form = QuestionnaireForm(items=items, data=request.POST, submitting=True)
        form.is_valid()
        for code in incomplete.missing:
            form.item_forms[code].add_error("option_code", _("Choose an answer."))
        return _render_problems(request, submission, items, form)
    response = redirect(
        reverse("questionnaire:fill", args=[submission.round.code, submission.country.iso3])
    )
    language = request.POST.get("switch_language")
    if language in dict(settings.LANGUAGES):
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
    return response


def _render_problems(request, submission, items, form):
    """The form again with the user's input, every problem listed at the top and marked inline."""
    return _render_form(
        request,
        submission,
        page=questionnaire_page(submission, items=items),
        form=form,
        problems=form.problems(),
    )


def _stale(request, submission, items, stale: StaleSave):
    """Refuses the stale save: shows what changed meanwhile and keeps the user's input."""
    data = request.POST.copy()
    data["revision"] = str(stale.current_revision)
    form = QuestionnaireForm(items=items, data=data)
    form.is_valid()
    fresh = Submission.objects.select_related("updated_by").get(pk=submission.pk)
    fresh.round, fresh.country = submission.round, submission.country
    page = questionnaire_page(fresh, items=items)
    rows = page.rows
    changed: dict[str, dict] = {}
    for change in stale.changes:
        key = change.item.code if change.item_id else ""
        entry = changed.setdefault(
            key,
            {"item": key, "anchor": f"item-{key}" if key else "id_general_comment", "by": set()},
        )
        entry["by"].add(change.changed_by_name)
        if key in rows:
            rows[key].conflicts.append(change)
    conflict = [{**entry, "by": ", ".join(sorted(entry["by"]))} for entry in changed.values()]
    return _render_form(request, fresh, page=page, form=form, status=409, conflict=conflict)


@require_GET
@login_required
def item_history(request, round_code: str, iso3: str, item_code: str):
    round_, country = _round_and_country(request, round_code, iso3)
    submission = _existing_submission(round_, country)
    if submission is None:
        raise Http404
    items = {i.code: i for i in version_items(round_.version)}
    item = items.get(item_code)
    if item is None:
        raise Http404
    changes = item_history_rows(submission, item)
    labels = {o.code: o.display_label for o in item.options}
    for change in changes:
        if change.field == "option_code":
            change.old_display = labels.get(change.old_value, change.old_value)
            change.new_display = labels.get(change.new_value, change.new_value)
        else:
            change.old_display, change.new_display = change.old_value, change.new_value
    return render(
        request,
        "questionnaire/item_history.html",
        {
            "submission": submission,
            "round": round_,
            "country": country,
            "item": item,
            "changes": changes,
        },
    )
