"""Read-only queries for pages: what waits for each user."""

import hashlib

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from kernel.translation import current_language
from policyindex.access import countries_visible_to, submissions_visible_to

from .models import AnswerChange, Item, Round, Submission


def submissions_with_progress(queryset):
    """Submissions annotated with the number of answered items (one query, whatever their count)."""
    return queryset.select_related("country", "round", "updated_by").annotate(
        answered_count=Count("answers", filter=~Q(answers__option_code="")),
        item_count=Count("answers"),
    )


def home_worklist(user) -> dict:
    open_rounds = list(Round.objects.filter(state=Round.State.OPEN).select_related("version"))
    context: dict = {"open_rounds": open_rounds}
    if user.is_focal_point:
        countries = list(countries_visible_to(user).order_by("name"))
        submissions = {
            (s.round_id, s.country_id): s
            for s in submissions_with_progress(
                Submission.objects.filter(country__in=countries, round__in=open_rounds)
            )
        }
        context["my_countries"] = countries
        context["worklist"] = [
            {"round": r, "country": c, "submission": submissions.get((r.pk, c.pk))}
            for r in open_rounds
            for c in countries
        ]
    else:
        visible = submissions_visible_to(user).filter(round__in=open_rounds)
        counts = {
            row["round_id"]: row
            for row in visible.values("round_id").annotate(
                drafts=Count("pk", filter=Q(state=Submission.State.DRAFT)),
                submitted=Count("pk", filter=Q(state=Submission.State.SUBMITTED)),
                validated=Count("pk", filter=Q(state=Submission.State.VALIDATED)),
            )
        }
        context["country_count"] = countries_visible_to(user).count()
        context["round_summaries"] = [
            {"round": r, "counts": counts.get(r.pk, {"drafts": 0, "submitted": 0, "validated": 0})}
            for r in open_rounds
        ]
        context["to_review"] = list(
            submissions_with_progress(visible.filter(state=Submission.State.SUBMITTED)).order_by(
                "submitted_at"
            )[:50]
        )
    return context


# --- The questionnaire page -------------------------------------------------------------------


def _previous_validated(*, country_id, reference_year):
    return Submission.objects.filter(
        country_id=country_id,
        state=Submission.State.VALIDATED,
        round__reference_year__lt=reference_year,
    ).order_by("-round__reference_year")


def previous_validated_submission(*, round, country) -> Submission | None:
    """The country's validated submission of the latest round before this one, if any."""
    return (
        _previous_validated(country_id=country.pk, reference_year=round.reference_year)
        .select_related("round")
        .first()
    )


# How long a rendered questionnaire stays cached. Its key changes with every save, so this only
# bounds how long a corrected translation of the instrument takes to show.
FRAGMENTS_SECONDS = 300


def with_previous_marker(queryset):
    """Annotates which validated submission of an earlier round the page shows, and its version."""
    previous = _previous_validated(
        country_id=OuterRef("country_id"), reference_year=OuterRef("round__reference_year")
    )
    return queryset.annotate(
        previous_pk=Subquery(previous.values("pk")[:1]),
        previous_updated_at=Subquery(previous.values("updated_at")[:1]),
    )


def previous_marker(*, round, country, submission: Submission | None) -> tuple | None:
    if submission is not None and hasattr(submission, "previous_pk"):
        pk, updated_at = submission.previous_pk, submission.previous_updated_at
    else:
        previous = previous_validated_submission(round=round, country=country)
        pk, updated_at = (previous.pk, previous.updated_at) if previous else (None, None)
    return (pk, updated_at.isoformat()) if pk else None


def questionnaire_fragments_key(*, round, country, submission: Submission | None) -> str:
    """Everything the rendered questionnaire (as saved) depends on, as a cache key."""
    parts = (
        country.pk,
        submission.pk if submission else None,
        submission.created_at.isoformat() if submission else None,
        submission.revision if submission else 0,
        submission.state if submission else None,
        round.pk,
        round.state,
        round.closes_on.isoformat(),
        round.version_id,
        previous_marker(round=round, country=country, submission=submission),
        current_language(),
        timezone.localdate().isoformat(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"questionnaire:page:{digest}"


def item_history(submission: Submission, item: Item) -> list[AnswerChange]:
    return list(
        AnswerChange.objects.filter(submission=submission, item=item)
        .select_related("changed_by")
        .order_by("-revision", "-pk")
    )
