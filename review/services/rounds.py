"""Every change of a round: opening, closing, dates, per-country deadlines, exclusions, publication.

Each is atomic, locks the round's row, follows ``review/transitions.py``, writes a ``RoundEvent``
in the same transaction and leaves e-mails to be sent on commit. ``by`` None is the system (a
loader or a command run by an operator), which must give a reason.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from geography.models import Country
from policyindex import access
from questionnaire.models import Round, Submission
from review import notifications
from review.models import DeadlineExtension, PublicationExclusion, RoundEvent
from review.services.checks import allowed_transition, required_reason
from review.services.errors import ActionRefused
from scoring.models import Release
from scoring.services.releases import freeze_release


def _locked(round: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round.pk)


def _administrator(by) -> None:
    if by is not None and not access.can_manage_rounds(by):
        raise ActionRefused(_("Only an administrator can do this."))


def _move(round: Round, *, by, action: str, event: str, reason: str = "") -> Round:
    with transaction.atomic():
        locked = _locked(round)
        found = allowed_transition(
            by=by,
            subject="round",
            action=action,
            state=locked.state,
            state_label=locked.get_state_display(),
        )
        if by is None:
            reason = required_reason(reason)
        from_state = locked.state
        locked.state = found.to_state
        locked.save(update_fields=["state"])
        RoundEvent.objects.create(
            round=locked,
            action=event,
            from_state=from_state,
            to_state=locked.state,
            actor=by,
            reason=reason.strip(),
        )
    return locked


def round_open(*, round: Round, by, reason: str = "") -> Round:
    return _move(round, by=by, action="open", event=RoundEvent.Action.OPENED, reason=reason)


def round_close(*, round: Round, by, reason: str = "") -> Round:
    return _move(round, by=by, action="close", event=RoundEvent.Action.CLOSED, reason=reason)


def unsettled_countries(round: Round) -> list[Submission]:
    """The round's submissions that are neither validated nor excluded from publication."""
    excluded = PublicationExclusion.objects.filter(round=round).values("country")
    return list(
        Submission.objects.filter(round=round)
        .exclude(state=Submission.State.VALIDATED)
        .exclude(country__in=excluded)
        .select_related("country")
        .order_by("country__name")
    )


def round_publish(*, round: Round, by, reason: str = "") -> Release:
    """Publishes a closed round whose submissions are all validated or excluded with a reason, and
    freezes its release: every country's result and the aggregates as they stand."""
    with transaction.atomic():
        locked = _locked(round)
        found = allowed_transition(
            by=by,
            subject="round",
            action="publish",
            state=locked.state,
            state_label=locked.get_state_display(),
        )
        if by is None:
            reason = required_reason(reason)
        waiting = unsettled_countries(locked)
        if waiting:
            raise ActionRefused(
                _(
                    "The round cannot be published: %(count)d submission(s) are neither validated "
                    "nor excluded (%(countries)s)."
                )
                % {
                    "count": len(waiting),
                    "countries": ", ".join(s.country.display_name for s in waiting[:10])
                    + ("…" if len(waiting) > 10 else ""),
                }
            )
        from_state = locked.state
        locked.state = found.to_state
        locked.save(update_fields=["state"])
        release = freeze_release(round=locked, by=by, reason=reason.strip())
        RoundEvent.objects.create(
            round=locked,
            action=RoundEvent.Action.PUBLISHED,
            from_state=from_state,
            to_state=locked.state,
            actor=by,
            reason=reason.strip(),
            details={"release": release.number, "content_hash": release.content_hash},
        )
        notifications.round_published(round=locked, release=release, by=by)
    return release


def round_change_dates(
    *, round: Round, by, opens_on: datetime.date, closes_on: datetime.date, reason: str
) -> Round:
    """New opening and closing dates for every country, recorded with the reason."""
    with transaction.atomic():
        locked = _locked(round)
        _administrator(by)
        reason = required_reason(reason)
        if closes_on < opens_on:
            raise ActionRefused(_("A round cannot close before it opens."))
        if locked.state == Round.State.PUBLISHED:
            raise ActionRefused(_("A published round's dates are history: they do not change."))
        details = {}
        if locked.opens_on != opens_on:
            details["opens_on"] = [locked.opens_on.isoformat(), opens_on.isoformat()]
        if locked.closes_on != closes_on:
            details["closes_on"] = [locked.closes_on.isoformat(), closes_on.isoformat()]
        if not details:
            return locked
        locked.opens_on, locked.closes_on = opens_on, closes_on
        locked.save(update_fields=["opens_on", "closes_on"])
        RoundEvent.objects.create(
            round=locked,
            action=RoundEvent.Action.DATES_CHANGED,
            actor=by,
            reason=reason,
            details=details,
        )
    return locked


def round_extend_deadline(
    *, round: Round, country: Country, by, closes_on: datetime.date, reason: str
) -> DeadlineExtension:
    """A later closing date for one country, recorded with the reason."""
    with transaction.atomic():
        locked = _locked(round)
        _administrator(by)
        reason = required_reason(reason)
        if locked.state not in (Round.State.PLANNED, Round.State.OPEN):
            raise ActionRefused(
                _("Deadlines are extended while the round is planned or open; it is %(state)s.")
                % {"state": locked.get_state_display().lower()}
            )
        current = access.country_closes_on(locked, country)
        if closes_on <= current:
            raise ActionRefused(
                _("The new deadline must be after the current one for %(country)s.")
                % {"country": country.display_name}
            )
        extension = DeadlineExtension.objects.create(
            round=locked, country=country, closes_on=closes_on, reason=reason, granted_by=by
        )
        RoundEvent.objects.create(
            round=locked,
            action=RoundEvent.Action.DEADLINE_EXTENDED,
            country=country,
            actor=by,
            reason=reason,
            details={"closes_on": [current.isoformat(), closes_on.isoformat()]},
        )
    return extension


def round_exclude_country(
    *, round: Round, country: Country, by, reason: str
) -> PublicationExclusion:
    """Leaves a country's unvalidated submission out of the round's publication, with the reason."""
    with transaction.atomic():
        locked = _locked(round)
        _administrator(by)
        reason = required_reason(reason)
        if locked.state == Round.State.PUBLISHED:
            raise ActionRefused(_("The round is already published."))
        submission = Submission.objects.filter(round=locked, country=country).first()
        if submission is not None and submission.state == Submission.State.VALIDATED:
            raise ActionRefused(_("A validated submission is published, not excluded."))
        if PublicationExclusion.objects.filter(round=locked, country=country).exists():
            raise ActionRefused(_("This country is already excluded from the publication."))
        exclusion = PublicationExclusion.objects.create(
            round=locked, country=country, reason=reason, excluded_by=by
        )
        RoundEvent.objects.create(
            round=locked,
            action=RoundEvent.Action.COUNTRY_EXCLUDED,
            country=country,
            actor=by,
            reason=reason,
        )
    return exclusion
