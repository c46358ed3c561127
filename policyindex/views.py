from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from policyindex import access
from questionnaire.selectors import home_worklist
from review.selectors import review_worklist


@login_required
def home(request):
    context = home_worklist(request.user)
    if access.can_review(request.user):
        context.update(review_worklist(request.user))
    return render(request, "home.html", context)
