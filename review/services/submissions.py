"""Every change of a submission's state: one atomic function per transition of the table.

Each locks the submission's row, checks the rule through ``policyindex/access.py`` and the table in
``review/transitions.py``, changes the state, writes the event in the same transaction and leaves
the e-mails to be sent on commit.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policyindex import access
from questionnaire.models import (
    AnswerChange,
    Submission,
    SubmissionEvent,
    SubmissionVersion,
    content_fingerprint,
)
from questionnaire.services.answers import (
    ANSWER_FIELDS,
    ChangedSinceConfirmation,
    IncompleteSubmission,
    unanswered_items,
)
from questionnaire.services.evidence import frozen_attachments
from review import notifications
from review.models import Query
from review.services.checks import allowed_transition, required_reason
from review.services.errors import ActionRefused
from scoring.services.scores import score_validated_submission

__all__ = [
    "ChangedSinceConfirmation",
    "IncompleteSubmission",
    "submission_reopen",
    "submission_return",
    "submission_submit",
    "submission_validate",
]


def _locked(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("round__version", "country")
        .get(pk=submission.pk)
    )


def _allowed(locked: Submission, *, by, action: str):
    return allowed_transition(
        by=by,
        subject="submission",
        action=action,
        state=locked.state,
        state_label=locked.get_state_display(),
        country=locked.country,
    )


def _move(
    locked: Submission, transition, *, action: str, by, note="", version=None, fields=()
) -> None:
    """Moves the locked submission to the transition's state and records the event with it."""
    from_state = locked.state
    locked.state = transition.to_state
    locked.save(update_fields=["state", *fields, "updated_at"])
    SubmissionEvent.objects.create(
        submission=locked,
        action=action,
        from_state=from_state,
        to_state=locked.state,
        actor=by,
        note=note,
        version=version,
    )


def latest_version(submission: Submission) -> SubmissionVersion | None:
    return submission.versions.order_by("-number").first()


def _frozen_content(locked: Submission) -> dict:
    answers = {}
    for answer in locked.answers.select_related("item").order_by("item__order"):
        answers[answer.item.code] = {name: getattr(answer, name) for name in ANSWER_FIELDS}
    content = {"answers": answers, "general_comment": locked.general_comment}
    # The files attached to the items' evidence, by item code (a version without any has no key).
    attachments = frozen_attachments(locked)
    if attachments:
        content["attachments"] = attachments
    return content


def _entered_by_others(locked: Submission, *, since_revision: int) -> list[int]:
    """Users other than the country's focal points who changed answers since the last version."""
    changers = set(
        AnswerChange.objects.filter(submission=locked, revision__gt=since_revision)
        .exclude(changed_by=None)
        .values_list("changed_by", flat=True)
    )
    focal_points = set(locked.country.focal_points.values_list("pk", flat=True))
    return sorted(changers - focal_points)


def submission_submit(
    *,
    submission: Submission,
    by,
    confirmed_revision: int,
    on_behalf: bool = False,
    source: str = "",
    allow_unanswered: bool = False,
) -> SubmissionVersion:
    """Submits the answers as saved at ``confirmed_revision`` and freezes them as a new version.

    A focal point submits their country's answers; an analyst with the country in scope submits,
    ``on_behalf`` of the country, answers it sent on paper or by e-mail (``source`` says where from).
    Refused, nothing changed, when the table or the user's role forbid it, when someone saved after
    the user was asked to confirm, or when an item is unanswered.

    ``by`` None is the system loading a historical return (reference or demo data): only the
    table's states are checked, and ``allow_unanswered`` keeps blank items (the methodology counts
    them as 0).
    """
    with transaction.atomic():
        locked = _locked(submission)
        if on_behalf:
            source = required_reason(source)
            found = allowed_transition(
                by=None,
                subject="submission",
                action="submit",
                state=locked.state,
                state_label=locked.get_state_display(),
            )
            if not access.is_analyst_for(by, locked.country):
                raise ActionRefused(
                    _("Only an analyst with %(country)s in scope can enter its answers.")
                    % {"country": locked.country.display_name}
                )
        else:
            found = _allowed(locked, by=by, action="submit")
        if by is not None:
            refusal = access.edit_refusal_reason(by, locked, on_behalf=on_behalf)
            if refusal:
                raise ActionRefused(refusal)

        if locked.revision != confirmed_revision:
            raise ChangedSinceConfirmation(
                _(
                    "The questionnaire was saved again after you were asked to confirm; it was "
                    "not submitted. Check the answers, then submit again."
                )
            )
        missing = [] if (by is None and allow_unanswered) else unanswered_items(locked)
        if missing:
            raise IncompleteSubmission(
                _("Every item must be answered before submitting; %(count)d are not.")
                % {"count": len(missing)},
                missing=missing,
            )
        previous = latest_version(locked)
        entered_by = _entered_by_others(locked, since_revision=previous.revision if previous else 0)
        content = _frozen_content(locked)
        version = SubmissionVersion.objects.create(
            submission=locked,
            number=(previous.number + 1) if previous else 1,
            questionnaire_version_id=locked.round.version_id,
            revision=locked.revision,
            content=content,
            content_hash=content_fingerprint(content),
            submitted_by=by,
            entered_on_behalf=on_behalf or bool(entered_by),
            source=source,
            entered_by_ids=entered_by,
        )
        locked.submitted_at = timezone.now()
        locked.updated_by = by
        _move(
            locked,
            found,
            action=SubmissionEvent.Action.SUBMITTED,
            by=by,
            note=source,
            version=version,
            fields=("submitted_at", "updated_by"),
        )
        notifications.submission_submitted(submission=locked, version=version, by=by)
    return version


def submission_return(*, submission: Submission, by, reason: str) -> Submission:
    """Returns a submitted version to the country with a reason; every answer is kept, and the open
    queries go with it."""
    with transaction.atomic():
        locked = _locked(submission)
        found = _allowed(locked, by=by, action="return")
        reason = required_reason(reason)
        _move(
            locked,
            found,
            action=SubmissionEvent.Action.RETURNED,
            by=by,
            note=reason,
            version=latest_version(locked),
        )
        notifications.submission_returned(submission=locked, reason=reason, by=by)
    return locked


def validation_refusal(
    locked: Submission, version: SubmissionVersion | None, by, *, open_queries: int | None = None
) -> str | None:
    """Why ``by`` may not validate this version beyond the table: their own work, open queries.

    ``open_queries``: the number of the submission's open queries, when the caller has just read
    them (the review page); None counts them here (the validation itself always does)."""
    if version is None:
        return _("There is no submitted version to validate.")
    if by is not None and (by.pk == version.submitted_by_id or by.pk in version.entered_by_ids):
        return _(
            "You entered or submitted this version yourself: another analyst must validate it."
        )
    if open_queries is None:
        open_queries = Query.objects.filter(submission=locked, state=Query.State.OPEN).count()
    if open_queries:
        return ngettext(
            "%(count)d query is still open: close it, or return the submission to the country.",
            "%(count)d queries are still open: close them, or return the submission to the "
            "country.",
            open_queries,
        ) % {"count": open_queries}
    return None


def submission_validate(*, submission: Submission, by, note: str = ""):
    """Validates the latest submitted version and stores its score record; returns the record."""
    with transaction.atomic():
        locked = _locked(submission)
        found = _allowed(locked, by=by, action="validate")
        version = latest_version(locked)
        refusal = validation_refusal(locked, version, by)
        if refusal:
            raise ActionRefused(refusal)
        _move(
            locked,
            found,
            action=SubmissionEvent.Action.VALIDATED,
            by=by,
            note=note,
            version=version,
        )
        outcome = score_validated_submission(submission=locked, by=by, version=version, reason=note)
        notifications.submission_validated(
            submission=locked, version=version, record=outcome.record, by=by
        )
    return outcome.record


def submission_reopen(*, submission: Submission, by, reason: str) -> Submission:
    """Reopens a validated submission (back to the country); its validation and score stay in the
    history. Refused once the round is published: a published round changes only by a release."""
    with transaction.atomic():
        locked = _locked(submission)
        found = _allowed(locked, by=by, action="reopen")
        reason = required_reason(reason)
        if locked.round.state == locked.round.State.PUBLISHED:
            raise ActionRefused(
                _("The round is published: its figures change only by a revised release.")
            )
        _move(
            locked,
            found,
            action=SubmissionEvent.Action.REOPENED,
            by=by,
            note=reason,
            version=latest_version(locked),
        )
        notifications.submission_reopened(submission=locked, reason=reason, by=by)
    return locked
