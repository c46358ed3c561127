"""Factories and helpers for questionnaire tests: submissions with answers, and form posts."""

import factory

from questionnaire.models import Answer, AnswerChange, Submission, SubmissionEvent
from questionnaire.services.answers import ANSWER_FIELDS, entries_of, save_draft
from questionnaire.services.submissions import start_submission
from tests.factories import CountryFactory, FocalPointFactory, RoundFactory  # noqa: F401


def first_option(item) -> str:
    return item.response_set.options.order_by("order").first().code


def answer_all(submission: Submission, *, leave_blank: tuple[str, ...] = (), **evidence) -> None:
    """Gives every item (except ``leave_blank``) its first option, straight in the database."""
    for answer in submission.answers.select_related("item__response_set"):
        if answer.item.code in leave_blank:
            continue
        answer.option_code = first_option(answer.item)
        for name, value in evidence.items():
            setattr(answer, name, value)
        answer.save()


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A submission started the way the app starts it: one blank answer per item."""

    class Meta:
        model = Submission

    round = factory.SubFactory(RoundFactory)
    country = factory.SubFactory(CountryFactory)

    @classmethod
    def _create(cls, model_class, *args, state=Submission.State.DRAFT, **kwargs):
        """Started, then taken to ``state`` through the review services (answers kept as they are)."""
        from tests.workflow import move_submission_to

        submission = start_submission(round=kwargs["round"], country=kwargs["country"])
        return move_submission_to(submission, state)


def form_data(
    submission_: Submission, /, *, answers: dict | None = None, action: str = "save", **extra
):
    """The POST body of the questionnaire page as the browser sends it, from the stored answers.

    ``answers`` maps item codes to dicts of fields to change, e.g. {"1a": {"option_code": "no"}}.
    """
    submission = submission_
    answers = answers or {}
    data = {
        "submission": str(submission.pk),
        "round": submission.round.code,
        "country": submission.country.iso3,
        "revision": str(submission.revision),
        "general_comment": submission.general_comment,
        "action": action,
    }
    for answer in Answer.objects.filter(submission=submission).select_related("item"):
        code = answer.item.code
        values = {name: getattr(answer, name) for name in ANSWER_FIELDS}
        values.update(answers.get(code, {}))
        for name, value in values.items():
            if name == "option_code" and not value:
                continue  # an unchecked radio group sends nothing
            data[f"{code}-{name}"] = "" if value is None else str(value)
    data.update(extra)
    return data


class SubmissionEventFactory(factory.django.DjangoModelFactory):
    """A state change recorded for a submission (the round needs a questionnaire version)."""

    class Meta:
        model = SubmissionEvent

    submission = factory.SubFactory(SubmissionFactory)
    action = SubmissionEvent.Action.SUBMITTED
    from_state = Submission.State.DRAFT
    to_state = Submission.State.SUBMITTED


class AnswerChangeFactory(factory.django.DjangoModelFactory):
    """One recorded change of an answer's option, on the submission's first item."""

    class Meta:
        model = AnswerChange

    submission = factory.SubFactory(SubmissionFactory)
    item = factory.LazyAttribute(lambda o: o.submission.answers.order_by("pk").first().item)
    revision = 1
    field = AnswerChange.Field.OPTION_CODE
    old_value = ""
    new_value = factory.LazyAttribute(lambda o: first_option(o.item))


def save_as(by, submission, answers, *, base_revision=None, general_comment=None, keep_theirs=()):
    """A draft save by ``by`` of whole items, based on the newest revision unless told otherwise."""
    submission.refresh_from_db()
    return save_draft(
        round=submission.round,
        country=submission.country,
        by=by,
        base_revision=submission.revision if base_revision is None else base_revision,
        entries=entries_of(answers, general_comment=general_comment),
        keep_theirs=keep_theirs,
    )
