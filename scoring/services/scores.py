"""Writing score records: scoring a validated submission, and recomputing a round's scores."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import transaction
from django.utils.translation import gettext as _

from questionnaire.models import Round, Submission
from scoring import engine
from scoring.methodologies import official_methodology
from scoring.models import DomainScore, MethodologyVersion, ScoreRecord
from scoring.services.releases import freeze_release, refuse_unless_revision


class NotScorableError(Exception):
    """The submission cannot be scored (it is not validated)."""


@dataclass(frozen=True)
class ScoringOutcome:
    record: ScoreRecord
    created: bool


def rounded_score(score: Fraction) -> Decimal:
    return (Decimal(score.numerator) / Decimal(score.denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


def current_record(*, round: Round, country_id: int) -> ScoreRecord | None:
    return ScoreRecord.objects.filter(round=round, country_id=country_id).first()


def unsaved_record(
    *, result: engine.ScoreResult, submission, by, trigger: str, reason: str
) -> ScoreRecord:
    """The score record of an engine result, not yet saved."""
    return ScoreRecord(
        country_id=submission.country_id,
        round_id=submission.round_id,
        submission=submission,
        answers=dict(result.answers),
        answers_hash=engine.answers_fingerprint(dict(result.answers)),
        methodology_version=result.methodology_version,
        twice_sum=result.overall.twice_sum,
        item_count=result.overall.item_count,
        score=rounded_score(result.overall.score),
        category=result.overall.category.code,
        imputed_items=list(result.imputed_items),
        triggered_by=by,
        trigger=trigger,
        reason=reason,
    )


def unsaved_domain_scores(*, record: ScoreRecord, result: engine.ScoreResult) -> list[DomainScore]:
    """The six domain rows of a score record, not yet saved."""
    return [
        DomainScore(
            record=record,
            number=d.number,
            sdmx=d.sdmx,
            twice_sum=d.twice_sum,
            item_count=d.item_count,
            score=rounded_score(d.score),
            category=d.category.code,
            imputed_items=list(d.imputed_items),
        )
        for d in result.domains
    ]


def record_methodology(methodology: engine.Methodology) -> MethodologyVersion:
    """The stored rules of an official methodology version, stored with its first score record.
    A version stored with other rules is refused: a change of rules needs a new version string."""
    rules = engine.methodology_as_data(methodology)
    stored, _created = MethodologyVersion.objects.get_or_create(
        version=methodology.version, defaults={"rules": rules}
    )
    if stored.rules != rules:
        raise engine.MethodologyError(
            f"methodology {methodology.version} is stored with other rules: change its version"
        )
    return stored


def _write_record(*, submission, answers, by, trigger, reason, version=None) -> ScoreRecord:
    methodology = official_methodology(submission.round.version)
    record_methodology(methodology)
    result = engine.compute_score(answers, methodology)
    record = unsaved_record(
        result=result, submission=submission, by=by, trigger=trigger, reason=reason
    )
    record.submission_version = version
    record.save()
    DomainScore.objects.bulk_create(unsaved_domain_scores(record=record, result=result))
    return record


def score_validated_submission(
    *,
    submission: Submission,
    by,
    reason: str = "",
    trigger: str = ScoreRecord.Trigger.VALIDATION,
    version=None,
) -> ScoringOutcome:
    """Scores a validated submission's submitted version (its latest, unless ``version`` is given)
    and records it, unless its current record already holds these very answers under the current
    methodology (then that record is returned, nothing is written). Refuses a submission that is
    not validated."""
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.state != Submission.State.VALIDATED:
            raise NotScorableError(
                _("Only a validated submission is scored; %(submission)s is %(state)s.")
                % {"submission": locked, "state": locked.get_state_display()}
            )
        if version is None:
            version = locked.versions.order_by("-number").first()
        answers = version.answer_codes() if version is not None else locked.answer_codes()
        fingerprint = engine.answers_fingerprint(answers)
        current = current_record(round=locked.round, country_id=locked.country_id)
        if (
            current is not None
            and current.submission_id == locked.pk
            and current.answers_hash == fingerprint
            and current.methodology_version == engine.METHODOLOGY_VERSION
        ):
            return ScoringOutcome(record=current, created=False)
        record = _write_record(
            submission=locked,
            answers=answers,
            by=by,
            trigger=trigger,
            reason=reason,
            version=version,
        )
        return ScoringOutcome(record=record, created=True)


def recompute_scores(
    *, round: Round, by, reason: str, revise_release: bool = False
) -> list[ScoringOutcome]:
    """Scores every validated submission of the round again (after a methodology fix, say): a new
    record is written beside the old one wherever the result would come from different rules or
    answers; unchanged ones are left alone.

    A published round's figures are frozen in its release: recomputing it is refused unless it is
    a revision of the release (``revise_release``), which then freezes a new release with the
    reason, the earlier one staying readable as superseded."""
    if not reason.strip():
        raise ValueError(_("A recomputation needs a reason."))
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        refuse_unless_revision(locked, revise_release=revise_release)
        submissions = Submission.objects.filter(round=locked, state=Submission.State.VALIDATED)
        outcomes = [
            score_validated_submission(
                submission=submission, by=by, reason=reason, trigger=ScoreRecord.Trigger.RECOMPUTE
            )
            for submission in submissions.order_by("pk")
        ]
        if locked.state == Round.State.PUBLISHED:
            freeze_release(round=locked, by=by, reason=reason)
        return outcomes
