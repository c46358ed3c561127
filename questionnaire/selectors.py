"""Read-only queries for pages: what waits for each user."""

import hashlib

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from kernel.translation import current_language
from policyindex.access import countries_visible_to

from .models import AnswerChange, Item, Round, Submission


def submissions_with_progress(queryset):
    """Submissions annotated with the number of answered items (one query, whatever their count)."""
    return queryset.select_related("country", "round", "updated_by").annotate(
        answered_count=Count("answers", filter=~Q(answers__option_code="")),
        item_count=Count("answers"),
    )


def home_worklist(user) -> dict:
    """A focal point's questionnaires: every country of theirs in each open round, and their
    submissions in closed rounds (returned answers are corrected until publication). Analysts' and
    administrators' part of the home page is ``review.selectors.review_worklist``."""
    open_rounds = list(Round.objects.filter(state=Round.State.OPEN).select_related("version"))
    context: dict = {"open_rounds": open_rounds}
    if not user.is_focal_point:
        return context
    closed_rounds = list(Round.objects.filter(state=Round.State.CLOSED))
    countries = list(countries_visible_to(user).order_by("name"))
    submissions = {
        (s.round_id, s.country_id): s
        for s in submissions_with_progress(
            Submission.objects.filter(country__in=countries, round__in=open_rounds + closed_rounds)
        )
    }
    for submission in submissions.values():
        # A focal point has a handful of submissions: one count each keeps this simple.
        submission.open_queries = submission.queries.filter(state="open").count()
    context["my_countries"] = countries
    context["worklist"] = [
        {"round": r, "country": c, "submission": submissions.get((r.pk, c.pk))}
        for r in open_rounds + closed_rounds
        for c in countries
        if r in open_rounds or (r.pk, c.pk) in submissions
    ]
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
