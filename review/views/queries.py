"""Queries: raised by an analyst (from a flag in one click), answered by the country, closed or
reopened by an analyst. Each form goes back to the page it came from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from questionnaire.instrument_cache import version_items
from review import checks
from review.forms import MessageForm, QueryForm
from review.models import Query
from review.selectors_review import current_flag
from review.services.errors import ActionRefused
from review.services.queries import query_close, query_raise, query_reopen, query_reply

from .review_page import back, refused, review_url, submission_or_404

TOO_LONG = gettext_lazy("Nothing was changed: a message has at most 5,000 characters.")


def _default(request, submission) -> str:
    """Where a form without ``next`` goes back to: the review page for the reviewers, the
    questionnaire for the country."""
    if request.user.is_analyst or request.user.is_administrator:
        return review_url(submission)
    return reverse("questionnaire:fill", args=[submission.round.code, submission.country.iso3])


def _flag_is_well_formed(flag: str, items) -> bool:
    check, _sep, code = flag.partition(":")
    return check in checks.CHECKS and code in items


@require_POST
@login_required
def raise_query(request, round_code: str, iso3: str):
    submission = submission_or_404(request.user, round_code, iso3)
    form = QueryForm(request.POST)
    if not form.is_valid():
        messages.error(request, TOO_LONG)
        return back(request, review_url(submission))
    items = {item.code: item for item in version_items(submission.round.version)}
    code, flag = form.cleaned_data["item"], form.cleaned_data["flag"]
    if (code and code not in items) or (flag and not _flag_is_well_formed(flag, items)):
        messages.error(
            request,
            gettext_lazy("Nothing was changed: this item is not in the round's questionnaire."),
        )
        return back(request, review_url(submission))
    text = form.cleaned_data["text"]
    if flag:
        # A flag becomes a query in one click: its question, written in the analyst's language.
        current = current_flag(submission, flag)
        if current is None:
            messages.error(
                request,
                gettext_lazy("Nothing was changed: this check does not flag the latest version."),
            )
            return back(request, review_url(submission))
        code = flag.partition(":")[2]
        text = text or current.query_text
    try:
        query_raise(
            submission=submission,
            by=request.user,
            text=text,
            item=items.get(code) if code else None,
            flag=flag,
        )
    except ActionRefused as error:
        refused(request, error)
    else:
        messages.success(request, gettext_lazy("The query was sent to the country."))
    return back(request, review_url(submission), anchor=f"item-{code}" if code else "")


def _query_or_404(request, round_code: str, iso3: str, query_id: int, *, reviewers_only: bool):
    submission = submission_or_404(request.user, round_code, iso3, reviewers_only=reviewers_only)
    query = get_object_or_404(Query, pk=query_id, submission=submission)
    return submission, query


def _on_query(request, round_code, iso3, query_id, *, reviewers_only, action, success):
    submission, query = _query_or_404(
        request, round_code, iso3, query_id, reviewers_only=reviewers_only
    )
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, TOO_LONG)
        return back(request, _default(request, submission))
    try:
        action(query, form.cleaned_data["text"])
    except ActionRefused as error:
        refused(request, error)
    else:
        messages.success(request, success)
    return back(request, _default(request, submission))


@require_POST
@login_required
def reply_query(request, round_code: str, iso3: str, query_id: int):
    return _on_query(
        request,
        round_code,
        iso3,
        query_id,
        reviewers_only=False,
        action=lambda q, text: query_reply(query=q, by=request.user, text=text),
        success=gettext_lazy("Your reply was sent."),
    )


@require_POST
@login_required
def close_query(request, round_code: str, iso3: str, query_id: int):
    return _on_query(
        request,
        round_code,
        iso3,
        query_id,
        reviewers_only=True,
        action=lambda q, text: query_close(query=q, by=request.user, text=text),
        success=gettext_lazy("The query was closed."),
    )


@require_POST
@login_required
def reopen_query(request, round_code: str, iso3: str, query_id: int):
    return _on_query(
        request,
        round_code,
        iso3,
        query_id,
        reviewers_only=True,
        action=lambda q, text: query_reopen(query=q, by=request.user, text=text),
        success=gettext_lazy("The query was reopened."),
    )
