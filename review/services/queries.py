"""Queries: raised by an analyst, answered by the country, closed or reopened by an analyst."""

from django.db import transaction
from django.utils.translation import gettext as _

from policyindex import access
from questionnaire.models import Item, Submission
from review import notifications
from review.models import Query, QueryMessage
from review.services.errors import ActionRefused
from review.services.submissions import latest_version

REVIEWABLE = (Submission.State.SUBMITTED, Submission.State.RETURNED)


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ActionRefused(_("Write a message: an empty one tells nobody anything."))
    if len(text) > 5000:
        raise ActionRefused(_("A message has at most 5,000 characters."))
    return text


def query_raise(
    *, submission: Submission, by, text: str, item: Item | None = None, flag: str = ""
) -> Query:
    """An analyst with the country in scope asks the country about one item or the whole
    submission. Allowed while the submission is submitted or returned."""
    text = _text(text)
    with transaction.atomic():
        locked = Submission.objects.select_for_update(of=("self",)).get(pk=submission.pk)
        if not access.may_raise_queries(by, locked.country):
            raise ActionRefused(_("Only an analyst with the country in scope can raise a query."))
        if locked.state not in REVIEWABLE:
            raise ActionRefused(
                _("A query is raised on a submitted questionnaire; this one is %(state)s.")
                % {"state": locked.get_state_display().lower()}
            )
        if item is not None and item.version_id != locked.round.version_id:
            raise ActionRefused(_("This item is not in the round's questionnaire."))
        if (
            flag
            and Query.objects.filter(submission=locked, flag=flag, state=Query.State.OPEN).exists()
        ):
            raise ActionRefused(_("A query on this check is already open."))
        query = Query.objects.create(
            submission=locked, version=latest_version(locked), item=item, flag=flag, raised_by=by
        )
        message = QueryMessage.objects.create(
            query=query, kind=QueryMessage.Kind.RAISED, text=text, author=by
        )
        notifications.query_raised(query=query, message=message, by=by)
    return query


def _locked_query(query: Query) -> Query:
    return (
        Query.objects.select_for_update(of=("self",))
        .select_related("submission__country")
        .get(pk=query.pk)
    )


def query_reply(*, query: Query, by, text: str) -> QueryMessage:
    """The country's focal points (or an analyst in scope) add a message to an open query."""
    text = _text(text)
    with transaction.atomic():
        locked = _locked_query(query)
        country = locked.submission.country
        if not (access.may_answer_queries(by, country) or access.may_raise_queries(by, country)):
            raise ActionRefused(_("Only the country's focal points and its analysts can reply."))
        if not locked.is_open:
            raise ActionRefused(_("This query is closed; an analyst can reopen it."))
        message = QueryMessage.objects.create(
            query=locked, kind=QueryMessage.Kind.REPLY, text=text, author=by
        )
        if access.may_answer_queries(by, country):
            notifications.query_replied(query=locked, message=message, by=by)
        else:
            notifications.query_raised(query=locked, message=message, by=by)
    return message


def _set_state(*, query: Query, by, text: str, state: str, kind: str) -> Query:
    with transaction.atomic():
        locked = _locked_query(query)
        if not access.may_raise_queries(by, locked.submission.country):
            raise ActionRefused(_("Only an analyst with the country in scope can do this."))
        if locked.state == state:
            raise ActionRefused(
                _("This query is already %(state)s.")
                % {"state": locked.get_state_display().lower()}
            )
        locked.state = state
        locked.save(update_fields=["state"])
        QueryMessage.objects.create(query=locked, kind=kind, text=(text or "").strip(), author=by)
    return locked


def query_close(*, query: Query, by, text: str = "") -> Query:
    return _set_state(
        query=query, by=by, text=text, state=Query.State.CLOSED, kind=QueryMessage.Kind.CLOSED
    )


def query_reopen(*, query: Query, by, text: str) -> Query:
    return _set_state(
        query=query,
        by=by,
        text=_text(text),
        state=Query.State.OPEN,
        kind=QueryMessage.Kind.REOPENED,
    )
