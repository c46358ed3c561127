"""The review page of a submitted version, and the review actions posted from it.

Who may see what is decided by ``policyindex/access.py``; whether an action is allowed, by the
services (through the transition table). A refused action changes nothing and says why."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kernel.messages import translate_when_shown
from kernel.translation import current_language
from policyindex import access
from questionnaire.models import Round
from review.forms import ReasonForm
from review.markup import item_options, query_sections
from review.selectors_review import fill_items, review_page, review_subject
from review.services.errors import ActionRefused
from review.services.submissions import (
    submission_reopen,
    submission_return,
    submission_validate,
)

# How long a version's rendered items stay cached: their key changes with everything they show, so
# this only bounds how long a corrected translation of the instrument takes to show.
ITEMS_SECONDS = 300

# --- Shared by the review views -------------------------------------------------------------------


def target(user, round_code: str, iso3: str, *, reviewers_only: bool = True):
    """(round, country, submission or None) of the URL, if the user may see it; 404 otherwise.

    The review page is for analysts in scope and administrators; the timeline and the replies to
    queries also for the country's focal points. Whether the user may see the country is
    ``access.may_see_country``; after it, access.py knows the answer for the rest of the request."""
    if reviewers_only and not access.can_review(user):
        raise Http404
    submission = review_subject(round_code=round_code, iso3=iso3.upper())
    if submission is not None:
        if not access.may_see_country(user, submission.country):
            raise Http404
        return submission.round, submission.country, submission
    country = access.visible_country_or_404(user, iso3=iso3.upper())
    round_ = get_object_or_404(Round.objects.select_related("version"), code=round_code)
    return round_, country, None


def submission_or_404(user, round_code: str, iso3: str, *, reviewers_only: bool = True):
    _round, _country, submission = target(user, round_code, iso3, reviewers_only=reviewers_only)
    if submission is None:
        raise Http404
    return submission


def review_url(submission) -> str:
    return reverse("review:submission", args=[submission.round.code, submission.country.iso3])


def back(request, default: str, *, anchor: str = ""):
    """Back to the page the form came from (``next``, if it is on this site), else ``default``;
    at ``anchor`` when given and the address has none."""
    next_url = request.POST.get("next") or ""
    if not (
        next_url
        and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        next_url = default
    if anchor and "#" not in next_url:
        next_url = f"{next_url}#{anchor}"
    return redirect(next_url)


def refused(request, error: ActionRefused) -> None:
    messages.error(
        request,
        translate_when_shown(gettext_lazy("Nothing was changed. %(reason)s"), reason=str(error)),
    )


# --- The page ---------------------------------------------------------------------------------


@require_GET
@login_required
def submission_review(request, round_code: str, iso3: str, number: int | None = None):
    round_, country, submission = target(request.user, round_code, iso3)
    page = review_page(
        user=request.user, round=round_, country=country, submission=submission, number=number
    )
    if page is None:
        raise Http404
    context = {"page": page, "round": round_, "country": country, "submission": submission}
    items_html = None
    if page.version is not None:
        # The items, checks and score of a version: cached, keyed by all they depend on.
        items_html = cache.get(page.items_key)
        if items_html is None:
            fill_items(page)
            items_html = render_to_string("review/includes/review_items.html", context)
            cache.set(page.items_key, items_html, ITEMS_SECONDS)
    parts = {
        "header_html": _header(context),
        "forms_html": _forms(request, context),
        "items_html": items_html,
        **query_sections(request, page, round_code=round_.code, iso3=country.iso3),
    }
    return render(request, "review/review_page.html", {**context, **parts})


def _header(context: dict) -> str:
    """The page's heading, state, version and links (no security token): cached, keyed by
    everything it shows."""
    page, round_, country, submission = (
        context[k] for k in ("page", "round", "country", "submission")
    )
    version = page.version
    shown = (
        (round_.pk, round_.code, round_.display_name),
        (country.pk, country.iso3, country.display_name),
        submission.state if submission else None,
        (
            version.number,
            version.submitted_at.isoformat(),
            version.submitted_by.get_full_name() or version.submitted_by.username
            if version.submitted_by
            else None,
            version.entered_on_behalf,
            version.source,
        )
        if version
        else None,
        tuple(v.number for v in page.versions),
        page.is_latest,
        tuple(page.entered_by),
        current_language(),
        timezone.get_current_timezone_name(),
    )
    key = "review:header:" + hashlib.sha256(repr(shown).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_to_string("review/includes/review_header.html", context)
        cache.set(key, html, ITEMS_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escapes


# Stands for the security token in the cached forms; replaced by the request's own when served.
_TOKEN = "review-csrf-token-placeholder"


def _forms(request, context: dict) -> str:
    """Entry on behalf, the actions allowed with their refusal reasons, and the query forms: cached,
    keyed by everything they show; the security token is put in when served, never cached."""
    page, round_, country = context["page"], context["round"], context["country"]
    version = page.version.questionnaire_version if page.version else None
    shown = (
        page.may_enter_on_behalf,
        tuple(page.actions),
        page.may_raise_queries,
        (version.pk, version.created_at.isoformat()) if version else None,
        round_.code,
        country.iso3,
        request.path,
        current_language(),
    )
    key = "review:forms:" + hashlib.sha256(repr(shown).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        options = item_options(page.item_choices) if page.may_raise_queries else ""
        html = render_to_string(
            "review/includes/review_forms.html",
            {**context, "item_options_html": options, "request": request, "csrf_token": _TOKEN},
        )
        cache.set(key, html, ITEMS_SECONDS)
    return mark_safe(html.replace(_TOKEN, get_token(request)))  # noqa: S308 - escaped when rendered


# --- The actions ------------------------------------------------------------------------------


def _act(request, round_code: str, iso3: str, action, success):
    submission = submission_or_404(request.user, round_code, iso3)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext_lazy("Nothing was changed: the reason is too long."))
        return redirect(review_url(submission))
    try:
        action(submission, form.cleaned_data["reason"])
    except ActionRefused as error:
        refused(request, error)
    else:
        messages.success(request, success)
    return redirect(review_url(submission))


@require_POST
@login_required
def return_submission(request, round_code: str, iso3: str):
    return _act(
        request,
        round_code,
        iso3,
        lambda s, reason: submission_return(submission=s, by=request.user, reason=reason),
        gettext_lazy("The questionnaire was returned to the country with your reason."),
    )


@require_POST
@login_required
def validate_submission(request, round_code: str, iso3: str):
    return _act(
        request,
        round_code,
        iso3,
        lambda s, reason: submission_validate(submission=s, by=request.user, note=reason),
        gettext_lazy("The questionnaire was validated and its score recorded."),
    )


@require_POST
@login_required
def reopen_submission(request, round_code: str, iso3: str):
    return _act(
        request,
        round_code,
        iso3,
        lambda s, reason: submission_reopen(submission=s, by=request.user, reason=reason),
        gettext_lazy("The questionnaire was reopened and returned to the country."),
    )
