"""E-mails about review actions, written in each recipient's language and sent after commit.

Each function is called by a service inside its transaction; it renders one mail per recipient in
that person's preferred language, stores it as an ``OutgoingMail`` in the same transaction, and
sends it only once the transaction commits (``transaction.on_commit``): a rolled-back action sends
nothing. Sending goes through Django's mail API and never raises: a mail the server refuses stays
unsent, with its attempts and last error, until ``manage.py send_pending_mail`` sends it.

Recipients are people, never roles: inactive users and users without an e-mail address are
skipped, and nobody is told of their own action. Every mail links to the page to act on, with the
absolute address ``settings.SITE_URL``.
"""

import datetime
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from accounts.models import User
from geography.models import Country
from policyindex import access
from questionnaire.models import Round, Submission
from review.models import OutgoingMail, PublicationExclusion, Query, QueryMessage, Reminder

logger = logging.getLogger(__name__)

Kind = OutgoingMail.Kind

# Seconds to wait for the mail server when the settings give no EMAIL_TIMEOUT: a mail server that
# does not answer must not hold a page for long (the mail stays queued).
DEFAULT_TIMEOUT = 10


# --- who -----------------------------------------------------------------------------------------


def focal_points_of(country) -> QuerySet[User]:
    """The country's focal points (people assigned to it whose role is focal point)."""
    return country.focal_points.filter(role=User.Role.FOCAL_POINT, is_active=True).order_by("pk")


def analysts_for(country) -> list[User]:
    """The active analysts whose scope includes the country (``policyindex/access.py`` decides)."""
    analysts = User.objects.filter(role=User.Role.ANALYST, is_active=True).order_by("pk")
    return [
        user
        for user in analysts.prefetch_related("regions")
        if access.is_analyst_for(user, country)
    ]


def _reachable(users: Iterable[User], *, by=None) -> list[User]:
    """Each person once, active, with an address, and not the one who acted."""
    seen: set[int] = set()
    reachable = []
    for user in users:
        if user.pk in seen or not user.is_active or not (user.email or "").strip():
            continue
        if by is not None and user.pk == by.pk:
            continue
        seen.add(user.pk)
        reachable.append(user)
    return reachable


# --- links ---------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def questionnaire_link(round: Round, country) -> str:
    return _absolute(
        reverse("questionnaire:fill", kwargs={"round_code": round.code, "iso3": country.iso3})
    )


def review_link(round: Round, country) -> str:
    """The analysts' review page of the submission; the questionnaire page where there is none."""
    try:
        path = reverse("review:submission", kwargs={"round_code": round.code, "iso3": country.iso3})
    except NoReverseMatch:
        return questionnaire_link(round, country)
    return _absolute(path)


def results_link(round: Round) -> str:
    return _absolute(reverse("scoring:round", kwargs={"round_code": round.code}))


def _page_for(user: User, round: Round, country) -> str:
    """Focal points act on the questionnaire; analysts and administrators on the review page."""
    if user.is_focal_point:
        return questionnaire_link(round, country)
    return review_link(round, country)


# --- writing and sending -------------------------------------------------------------------------


def _language(user: User) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    return user.preferred_language if user.preferred_language in languages else "en"


def _queue(
    kind: str,
    recipients: Iterable[User],
    context: dict,
    link: Callable[[User], str],
) -> list[OutgoingMail]:
    """Writes one mail per recipient in their language and sends them once the transaction commits."""
    mails = []
    for user in recipients:
        language = _language(user)
        with translation.override(language):
            values = {
                **context,
                "recipient": user,
                "name": user.get_full_name() or user.username,
                "link": link(user),
                "site_url": _absolute("/"),
            }
            subject = render_to_string(f"review/mail/{kind}_subject.txt", values)
            body = render_to_string(f"review/mail/{kind}.txt", values)
        mails.append(
            OutgoingMail.objects.create(
                recipient=user,
                to_address=user.email.strip(),
                language=language,
                kind=kind,
                # A header is one line.
                subject=" ".join(subject.split())[:255],
                body=_tidy(body),
            )
        )
    if mails:
        ids = [mail.pk for mail in mails]
        transaction.on_commit(lambda: send_mails(ids), robust=True)
    return mails


def _tidy(body: str) -> str:
    """The text as written by the templates, without their trailing spaces and extra blank lines."""
    lines = [line.rstrip() for line in body.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


@dataclass
class Delivery:
    """What a sending run did: how many mails went, and those still unsent (with their error)."""

    sent: int = 0
    failed: list[OutgoingMail] = field(default_factory=list)


def send_mails(ids: Iterable[int]) -> Delivery:
    """Sends the unsent mails among ``ids``. Never raises."""
    return deliver(OutgoingMail.objects.filter(pk__in=list(ids)))


def deliver(mails: QuerySet[OutgoingMail]) -> Delivery:
    """Sends each unsent mail of ``mails``, oldest first, over one connection, recording every
    attempt. Never raises: a mail the server refuses is left unsent with the error, for
    ``send_pending_mail``; a server that cannot be reached is tried once, not once per mail."""
    delivery = Delivery()
    try:
        pending = list(
            mails.filter(sent_at=None).order_by("created_at", "pk").values_list("pk", flat=True)
        )
        if not pending:
            return delivery
        connection = get_connection(
            fail_silently=False, timeout=getattr(settings, "EMAIL_TIMEOUT", None) or DEFAULT_TIMEOUT
        )
    except Exception:
        logger.exception("E-mail: could not start sending; the mails stay queued.")
        return delivery
    unreachable = None
    try:
        connection.open()
    except Exception as error:  # a mail server fails in many ways; none may escape
        unreachable = error
    try:
        for pk in pending:
            outcome = _deliver_one(pk, connection, unreachable)
            if outcome is True:
                delivery.sent += 1
            elif outcome is not None:
                delivery.failed.append(outcome)
    finally:
        _close(connection)
    return delivery


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:
        logger.warning("E-mail: the connection to the mail server did not close cleanly.")


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _send(mail: OutgoingMail, connection) -> Exception | None:
    """Hands the mail to the mail server; the error if it did not take it."""
    message = EmailMessage(
        subject=mail.subject,
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to_address],
        connection=connection,
        headers={"Auto-Submitted": "auto-generated", "Content-Language": mail.language},
    )
    try:
        message.send(fail_silently=False)
    except Exception as error:  # a mail server fails in many ways; none may escape
        return error
    return None


def _deliver_one(pk: int, connection, unreachable) -> OutgoingMail | bool | None:
    """True when sent; the mail when it was not; None when another run has it or sent it.

    ``unreachable``: the error met opening the connection; the mail is recorded as not sent."""
    try:
        with transaction.atomic():
            # The row stays locked while it is sent, so two runs never send one mail twice.
            mail = (
                OutgoingMail.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, sent_at=None)
                .first()
            )
            if mail is None:
                return None
            mail.attempts += 1
            error = unreachable or _send(mail, connection)
            if error is not None:
                mail.last_error = _error_text(error)
                mail.save(update_fields=["attempts", "last_error"])
                logger.warning(
                    "E-mail %s to %s not sent (attempt %s): %s",
                    mail.pk,
                    mail.to_address,
                    mail.attempts,
                    mail.last_error,
                )
                if unreachable is None:
                    # The connection may be broken: the next mail opens a new one.
                    _close(connection)
                return mail
            mail.sent_at = timezone.now()
            mail.last_error = ""
            mail.save(update_fields=["attempts", "last_error", "sent_at"])
            return True
    except Exception:
        logger.exception("E-mail %s: could not record its sending.", pk)
        return None


# --- the mails of the review ---------------------------------------------------------------------


def _submission_context(submission: Submission, by) -> dict:
    return {
        "submission": submission,
        "round": submission.round,
        "country": submission.country,
        "by": by,
    }


def submission_submitted(*, submission, version, by) -> None:
    """Tells the analysts with the country in scope that a version waits for review."""
    _queue(
        Kind.SUBMITTED,
        _reachable(analysts_for(submission.country), by=by),
        {**_submission_context(submission, by), "version": version},
        lambda user: review_link(submission.round, submission.country),
    )


def _open_queries(submission) -> list[dict]:
    queries = (
        Query.objects.filter(submission=submission, state=Query.State.OPEN)
        .select_related("item")
        .order_by("raised_at", "pk")
    )
    listed = []
    for query in queries:
        first = query.messages.filter(kind=QueryMessage.Kind.RAISED).order_by("at", "pk").first()
        listed.append({"query": query, "item": query.item, "text": first.text if first else ""})
    return listed


def submission_returned(*, submission, reason: str, by) -> None:
    """Tells the country's focal points why their answers came back, with the open queries."""
    _queue(
        Kind.RETURNED,
        _reachable(focal_points_of(submission.country), by=by),
        {
            **_submission_context(submission, by),
            "reason": reason,
            "open_queries": _open_queries(submission),
        },
        lambda user: questionnaire_link(submission.round, submission.country),
    )


def submission_validated(*, submission, version, record, by) -> None:
    """Tells the country's focal points that their answers were validated, with the score."""
    _queue(
        Kind.VALIDATED,
        _reachable(focal_points_of(submission.country), by=by),
        {**_submission_context(submission, by), "version": version, "record": record},
        lambda user: questionnaire_link(submission.round, submission.country),
    )


def submission_reopened(*, submission, reason: str, by) -> None:
    """Tells the country's focal points and analysts that a validated submission was reopened."""
    recipients = list(focal_points_of(submission.country)) + analysts_for(submission.country)
    _queue(
        Kind.REOPENED,
        _reachable(recipients, by=by),
        {**_submission_context(submission, by), "reason": reason},
        lambda user: _page_for(user, submission.round, submission.country),
    )


def query_raised(*, query, message, by) -> None:
    """Tells the country's focal points that an analyst asks something (a new query, or a new
    message of an analyst on an open one)."""
    submission = query.submission
    kind = Kind.QUERY_RAISED if message.kind == QueryMessage.Kind.RAISED else Kind.QUERY_MESSAGE
    _queue(
        kind,
        _reachable(focal_points_of(submission.country), by=by),
        {**_submission_context(submission, by), "query": query, "message": message},
        lambda user: questionnaire_link(submission.round, submission.country),
    )


def query_replied(*, query, message, by) -> None:
    """Tells the analyst who raised the query that the country answered; when that analyst can no
    longer act on it (inactive, or the country out of their scope), every analyst in scope."""
    submission = query.submission
    raiser = query.raised_by
    if raiser.is_active and access.is_analyst_for(raiser, submission.country):
        recipients = [raiser]
    else:
        recipients = analysts_for(submission.country)
    _queue(
        Kind.QUERY_REPLIED,
        _reachable(recipients, by=by),
        {**_submission_context(submission, by), "query": query, "message": message},
        lambda user: review_link(submission.round, submission.country),
    )


def round_published(*, round, release, by) -> None:
    """Tells everyone concerned (the round's focal points and the analysts) that results are out.

    The round's focal points are those of the countries with a submission in it."""
    countries = Submission.objects.filter(round=round).values("country")
    focal_points = User.objects.filter(
        role=User.Role.FOCAL_POINT, is_active=True, countries__in=countries
    ).distinct()
    analysts = User.objects.filter(role=User.Role.ANALYST, is_active=True)
    _queue(
        Kind.PUBLISHED,
        _reachable(list(focal_points.order_by("pk")) + list(analysts.order_by("pk")), by=by),
        {"round": round, "release": release, "by": by},
        lambda user: results_link(round),
    )


# --- reminders of the closing date ---------------------------------------------------------------


@dataclass
class Reminding:
    """What a reminder run did: the reminders recorded and the mails written for them."""

    reminders: list[Reminder] = field(default_factory=list)
    mails: list[OutgoingMail] = field(default_factory=list)


def deadline_reminders(*, days: int, today: datetime.date | None = None) -> Reminding:
    """Reminds the focal points of each country that has not submitted an open round's answers
    and whose closing date (its extension counted) is within ``days`` days.

    Each reminder is recorded (``Reminder``) in the transaction that writes its mail: a person is
    never sent the same reminder twice, however often this runs (it is meant for a daily cron)."""
    today = today or timezone.localdate()
    done = Reminding()
    rounds = Round.objects.filter(state=Round.State.OPEN, opens_on__lte=today).order_by("closes_on")
    for round in rounds:
        finished = Submission.objects.filter(
            round=round, state__in=(Submission.State.SUBMITTED, Submission.State.VALIDATED)
        ).values("country")
        excluded = PublicationExclusion.objects.filter(round=round).values("country")
        countries = _countries_with_focal_points().exclude(pk__in=finished).exclude(pk__in=excluded)
        for country in countries:
            closes_on = access.country_closes_on(round, country)
            if not today <= closes_on <= today + datetime.timedelta(days=days):
                continue
            for user in _reachable(focal_points_of(country)):
                _remind(
                    done,
                    round=round,
                    country=country,
                    user=user,
                    days=days,
                    closes_on=closes_on,
                    today=today,
                )
    return done


def _countries_with_focal_points() -> QuerySet[Country]:
    return (
        Country.objects.filter(
            focal_points__role=User.Role.FOCAL_POINT, focal_points__is_active=True
        )
        .distinct()
        .order_by("name")
    )


def _remind(done: Reminding, *, round, country, user, days, closes_on, today) -> None:
    try:
        with transaction.atomic():
            reminder, created = Reminder.objects.get_or_create(
                round=round, country=country, user=user, days_before=days, closes_on=closes_on
            )
            if not created:
                return
            mails = _queue(
                Kind.DEADLINE_REMINDER,
                [user],
                {
                    "round": round,
                    "country": country,
                    "closes_on": closes_on,
                    "days_left": (closes_on - today).days,
                },
                lambda user: questionnaire_link(round, country),
            )
    except IntegrityError:
        # Another run recorded the same reminder at the same moment: it sends it.
        return
    done.reminders.append(reminder)
    done.mails.extend(mails)
