"""Read-only queries for pages: what waits for each user."""

from django.db.models import Count, Q

from policyindex.access import countries_visible_to, submissions_visible_to

from .models import Round, Submission


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
