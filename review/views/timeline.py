"""The timeline of a country's submission for a round: who did what, when and why."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from policyindex import access
from review.selectors_review import timeline_entries

from .review_page import target


@require_GET
@login_required
def submission_timeline(request, round_code: str, iso3: str):
    """For the analysts in scope, the administrators and the country's focal points (404 for
    anyone else)."""
    round_, country, submission = target(request.user, round_code, iso3, reviewers_only=False)
    entries = timeline_entries(round=round_, country=country, submission=submission)
    return render(
        request,
        "review/timeline.html",
        {
            "round": round_,
            "country": country,
            "submission": submission,
            "entries": entries,
            "is_reviewer": access.can_review(request.user),
        },
    )
