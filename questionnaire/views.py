from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from policyindex.access import visible_country_or_404

from .models import Round
from .selectors import submissions_with_progress


@login_required
def country_detail(request, iso3: str):
    country = visible_country_or_404(request.user, iso3=iso3.upper())
    submissions = {s.round_id: s for s in submissions_with_progress(country.submissions.all())}
    rounds = [
        {"round": r, "submission": submissions.get(r.pk)}
        for r in Round.objects.select_related("version")
    ]
    return render(
        request, "questionnaire/country_detail.html", {"country": country, "rounds": rounds}
    )
