"""The analysts' dashboard of a round: every country of their scope, where it stands, what waits."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from policyindex import access
from questionnaire.models import Round
from review import selectors
from review.filters import SORT_LABELS, DashboardFilter


def refused(request, message: str, *, status: int = 403):
    """A page saying why the user may not be here (nothing else is shown)."""
    return render(request, "review/round_refused.html", {"message": message}, status=status)


@login_required
def dashboard(request, round_code: str):
    round_ = get_object_or_404(Round, code=round_code)
    if not access.can_review(request.user):
        return refused(request, _("Only analysts and administrators see the review dashboard."))
    filters = DashboardFilter(
        request.GET or None,
        queryset=selectors.dashboard_countries(user=request.user, round=round_),
        user=request.user,
    )
    board = selectors.dashboard(user=request.user, round=round_, countries=filters.qs)
    sort = filters.current_sort
    columns = [
        {
            "name": name,
            "label": label,
            "sorted": sort.lstrip("-") == name,
            "descending": sort == f"-{name}",
            # A second click on the sorted column reverses it.
            "next": f"-{name}" if sort == name else name,
        }
        for name, label in SORT_LABELS.items()
    ]
    context = {
        "round": round_,
        "board": board,
        "filters": filters,
        "columns": {c["name"]: c for c in columns},
        "can_manage_rounds": access.can_manage_rounds(request.user),
        "filtered": bool(request.GET.get("region") or request.GET.get("state")),
    }
    return render(request, "review/dashboard.html", context)


@login_required
def submission_placeholder(request, round_code: str, iso3: str):
    """Stands in for the review page of a submission until it is written (temporary)."""
    get_object_or_404(Round, code=round_code)
    access.visible_country_or_404(request.user, iso3=iso3.upper())
    if not access.can_review(request.user):
        return refused(request, _("Only analysts and administrators review submissions."))
    return HttpResponse(_("The review page of this submission is not written yet."))
