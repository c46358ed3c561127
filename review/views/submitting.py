"""Confirming a submission: the one view that turns a draft (or a returned one) into a version."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kernel.messages import translate_when_shown
from questionnaire.pages import questionnaire_for_request, read_only_page, refused_page
from review.services.errors import ActionRefused
from review.services.submissions import (
    ChangedSinceConfirmation,
    IncompleteSubmission,
    submission_submit,
)


@require_POST
@login_required
def confirm_submission(request, round_code: str, iso3: str):
    questionnaire = questionnaire_for_request(request, round_code, iso3)
    submission = questionnaire.submission
    if submission is None or questionnaire.refusal:
        if submission is None:
            return refused_page(
                request, _("There is nothing to submit yet."), questionnaire=questionnaire
            )
        messages.error(
            request,
            translate_when_shown(
                gettext_lazy("Not submitted. %(reason)s"), reason=questionnaire.refusal
            ),
        )
        return read_only_page(request, questionnaire, status=403)
    if request.POST.get("submission") != str(submission.pk):
        return refused_page(
            request,
            _("This form was sent for another questionnaire; nothing was saved."),
            questionnaire=questionnaire,
        )
    try:
        revision = int(request.POST.get("revision", "-1"))
    except ValueError:
        return refused_page(request, _("This form is incomplete; nothing was saved."), status=400)
    try:
        submission_submit(
            submission=submission,
            by=request.user,
            confirmed_revision=revision,
            on_behalf=questionnaire.on_behalf,
            source=request.POST.get("source", ""),
        )
    except ActionRefused as refusal:
        messages.error(
            request,
            translate_when_shown(gettext_lazy("Not submitted. %(reason)s"), reason=str(refusal)),
        )
        return redirect(questionnaire.url)
    except (ChangedSinceConfirmation, IncompleteSubmission) as refusal:
        messages.error(request, refusal.message)
        return redirect(questionnaire.url)
    messages.success(
        request,
        gettext_lazy(
            "Thank you: the questionnaire was submitted. Its answers are now frozen while the "
            "analysts review them."
        ),
    )
    return redirect(questionnaire.url)
