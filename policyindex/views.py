from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from questionnaire.selectors import home_worklist


@login_required
def home(request):
    return render(request, "home.html", home_worklist(request.user))
