"""A round's page for administrators: its state and dates, the actions the transition table allows,
per-country deadlines, exclusions from publication, what blocks publication, and its history.

Every change goes through ``review/services/rounds.py``; a refusal is shown as an error message and
changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.messages import translate_when_shown
from policyindex import access
from questionnaire.models import Round
from review import selectors, transitions
from review.forms_rounds import (
    DatesForm,
    ExclusionForm,
    ExtensionForm,
    PublishForm,
    RoundActionForm,
)
from review.services import rounds as services
from review.services.errors import ActionRefused
from review.views.dashboard import refused

ACTIONS = {
    "open": services.round_open,
    "close": services.round_close,
}
# Every action of a round the table declares, whatever the round's state: others are forged URLs.
DECLARED_ACTIONS = {t.action for t in transitions.ROUND_TRANSITIONS}


def _round(request, round_code: str):
    """The round, or the response refusing the user (a round that does not exist is 404)."""
    round_ = get_object_or_404(Round, code=round_code)
    if not access.can_manage_rounds(request.user):
        return round_, refused(request, _("Only an administrator manages rounds."))
    return round_, None


def _refusal_message(refusal: ActionRefused):
    return translate_when_shown(
        gettext_lazy("Nothing was changed. %(reason)s"), reason=str(refusal)
    )


def _page(request, round_: Round, *, status: int = 200, **forms):
    unsettled = services.unsettled_countries(round_)
    for submission in unsettled:
        submission.review_url = selectors.row_url(round_, submission.country.iso3, submission.state)
    actions = [
        {"transition": t, "is_publish": t.action == "publish"}
        for t in transitions.actions_from("round", round_.state)
    ]
    context = {
        "round": round_,
        "actions": actions,
        "action_form": forms.get("action_form") or RoundActionForm(),
        "publish_form": forms.get("publish_form") or PublishForm(),
        "dates_form": forms.get("dates_form")
        or DatesForm(initial={"opens_on": round_.opens_on, "closes_on": round_.closes_on}),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
        "exclusion_form": forms.get("exclusion_form")
        or ExclusionForm(unsettled_country_ids=[s.country_id for s in unsettled]),
        "unsettled": unsettled,
        "state_counts": selectors.round_state_counts(round_),
        "extensions": selectors.round_extensions(round_),
        "exclusions": selectors.round_exclusions(round_),
        "history": selectors.round_history(round_),
        "can_publish": round_.state == Round.State.CLOSED,
        "can_change_dates": round_.state != Round.State.PUBLISHED,
        "can_extend": round_.state in (Round.State.PLANNED, Round.State.OPEN),
    }
    return render(request, "review/round.html", context, status=status)


@login_required
def manage(request, round_code: str):
    round_, refusal = _round(request, round_code)
    if refusal:
        return refusal
    return _page(request, round_)


def _post_only(view):
    """Shows the page on a GET (a reload after a refused form); only a POST changes anything."""

    def wrapped(request, round_code: str, **kwargs):
        if request.method != "POST":
            return redirect("review:round", round_code=round_code)
        return view(request, round_code, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@login_required
@_post_only
def round_action(request, round_code: str, action: str):
    """Opens, closes or publishes the round (publishing needs its confirmation box ticked)."""
    if action not in DECLARED_ACTIONS:
        raise Http404
    round_, refusal = _round(request, round_code)
    if refusal:
        return refusal
    found = transitions.transition("round", action, round_.state)
    if action == "publish":
        form = PublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Not published: tick the box to confirm the publication."))
            return _page(request, round_, publish_form=form)
        try:
            release = services.round_publish(
                round=round_, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ActionRefused as error:
            messages.error(request, _refusal_message(error))
            return redirect("review:round", round_code=round_.code)
        messages.success(
            request,
            translate_when_shown(
                gettext_lazy("The round is published (release %(number)s)."),
                number=release.number,
            ),
        )
        return redirect("review:round", round_code=round_.code)
    form = RoundActionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        ACTIONS[action](round=round_, by=request.user, reason=reason)
    except ActionRefused as error:
        messages.error(request, _refusal_message(error))
        return redirect("review:round", round_code=round_.code)
    messages.success(
        request,
        translate_when_shown(gettext_lazy("Done: %(action)s."), action=found.label)
        if found
        else gettext_lazy("Done."),
    )
    return redirect("review:round", round_code=round_.code)


@login_required
@_post_only
def change_dates(request, round_code: str):
    round_, refusal = _round(request, round_code)
    if refusal:
        return refusal
    form = DatesForm(request.POST)
    if not form.is_valid():
        return _page(request, round_, dates_form=form)
    try:
        services.round_change_dates(
            round=round_,
            by=request.user,
            opens_on=form.cleaned_data["opens_on"],
            closes_on=form.cleaned_data["closes_on"],
            reason=form.cleaned_data["reason"],
        )
    except ActionRefused as error:
        messages.error(request, _refusal_message(error))
        return _page(request, round_, dates_form=form)
    messages.success(request, gettext_lazy("The round's dates were changed."))
    return redirect("review:round", round_code=round_.code)


@login_required
@_post_only
def extend_deadline(request, round_code: str):
    round_, refusal = _round(request, round_code)
    if refusal:
        return refusal
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _page(request, round_, extension_form=form)
    country = form.cleaned_data["country"]
    try:
        services.round_extend_deadline(
            round=round_,
            country=country,
            by=request.user,
            closes_on=form.cleaned_data["closes_on"],
            reason=form.cleaned_data["reason"],
        )
    except ActionRefused as error:
        messages.error(request, _refusal_message(error))
        return _page(request, round_, extension_form=form)
    messages.success(
        request,
        translate_when_shown(
            gettext_lazy("The deadline of %(country)s was extended."),
            country=country.display_name,
        ),
    )
    return redirect("review:round", round_code=round_.code)


@login_required
@_post_only
def exclude_country(request, round_code: str):
    round_, refusal = _round(request, round_code)
    if refusal:
        return refusal
    unsettled = services.unsettled_countries(round_)
    form = ExclusionForm(request.POST, unsettled_country_ids=[s.country_id for s in unsettled])
    if not form.is_valid():
        return _page(request, round_, exclusion_form=form)
    country = form.cleaned_data["country"]
    try:
        services.round_exclude_country(
            round=round_, country=country, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ActionRefused as error:
        messages.error(request, _refusal_message(error))
        return _page(request, round_, exclusion_form=form)
    messages.success(
        request,
        translate_when_shown(
            gettext_lazy("%(country)s is excluded from the round's publication."),
            country=country.display_name,
        ),
    )
    return redirect("review:round", round_code=round_.code)
