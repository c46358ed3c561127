from django.shortcuts import render

from policyindex import access
from questionnaire.selectors import home_worklist
from results.public import published_round_summaries
from review.selectors import review_worklist


def home(request):
    """Signed-in people see their work; anyone else a page saying what the site is, with the
    published results and a way to log in."""
    if not request.user.is_authenticated:
        return render(request, "landing.html", {"summaries": published_round_summaries()})
    context = home_worklist(request.user)
    if access.can_review(request.user):
        context.update(review_worklist(request.user))
    return render(request, "home.html", context)
