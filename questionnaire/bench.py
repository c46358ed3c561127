"""`make bench` measures of the questionnaire app.

With the 197 countries and two rounds of data loaded (a validated submission of every country in
the 2021 round and a draft of every country in the open round), the server time of

- the questionnaire page (GET, all 30 items answered with evidence, the previous round shown), and
- a draft save (POST of all 30 answers with evidence, every field changed, history written),

each as a ratio to a bare authenticated Django view, all called through the same test client with
the same logged-in focal point in the same run.

This module is also the URLconf of the run: the project's URLs plus the bare view.
"""

import random
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse

from accounts.models import User
from geography.models import Country
from kernel.benchmarking import Result, compare
from questionnaire.models import Answer, ResponseOption, Round, Submission

PREVIOUS_ROUND = "inquiry-13-2021"
OPEN_ROUND = "demo-2025"
TARGET = 4.0
BASELINE = "bare authenticated Django view (same client, same user)"


@login_required
def bare_view(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/bare/", bare_view),
    path("", include("policyindex.urls")),
]


def _options_by_item(version) -> dict:
    options: dict[int, list[str]] = {}
    for option in ResponseOption.objects.filter(response_set__version=version).order_by("order"):
        options.setdefault(option.response_set_id, []).append(option.code)
    return {item: options[item.response_set_id] for item in version.items.order_by("order")}


def _evidence(code: str, variant: int) -> dict:
    return {
        "policy_name": f"Migration and Asylum Act, section {code} (v{variant})",
        "policy_year": 2010 + variant,
        "link": f"https://legislation.example.org/{code}/v{variant}",
        "citation": f"Official Gazette No. {100 + variant}, art. {code}",
        "comment": f"Confirmed by the line ministry; variant {variant}.",
    }


@transaction.atomic
def _load_two_rounds(countries: list[Country]) -> list[int]:
    """Every country: a validated 2021 submission and an open-round draft, all answered."""
    rng = random.Random(1072)
    created = []
    for code, state in ((PREVIOUS_ROUND, Submission.State.VALIDATED), (OPEN_ROUND, "draft")):
        round_ = Round.objects.get(code=code)
        existing = set(round_.submissions.values_list("country_id", flat=True))
        submissions = Submission.objects.bulk_create(
            Submission(round=round_, country=c, state=state, revision=1)
            for c in countries
            if c.pk not in existing
        )
        if code == PREVIOUS_ROUND:
            created = [s.pk for s in submissions]
        options = _options_by_item(round_.version)
        Answer.objects.bulk_create(
            (
                Answer(
                    submission=s,
                    item=item,
                    option_code=rng.choice(codes),
                    **_evidence(item.code, 0),
                )
                for s in submissions
                for item, codes in options.items()
            ),
            batch_size=2000,
        )
    return created


def _post_data(submission: Submission, options: dict, variant: int) -> dict:
    data = {
        "submission": str(submission.pk),
        "round": submission.round.code,
        "country": submission.country.iso3,
        "general_comment": f"Benchmark run, variant {variant}",
        "action": "save",
    }
    for item, codes in options.items():
        data[f"{item.code}-option_code"] = codes[variant % len(codes)]
        for name, value in _evidence(item.code, variant + 1).items():
            data[f"{item.code}-{name}"] = str(value)
    return data


def questionnaire_page_and_draft_save() -> list[Result]:
    countries = list(Country.objects.order_by("pk"))
    assert len(countries) == 197
    previous_ids = _load_two_rounds(countries)
    try:
        return _measure()
    finally:
        # The scoring measures create their own 2021 submissions: leave the round as found.
        Answer.objects.filter(submission_id__in=previous_ids).delete()
        Submission.objects.filter(pk__in=previous_ids).delete()


def _measure() -> list[Result]:
    kenya = Country.objects.get(iso3="KEN")
    focal_point = User.objects.create(username="bench-focal-point", first_name="Bench")
    focal_point.countries.set([kenya])
    submission = Submission.objects.select_related("round__version", "country").get(
        round__code=OPEN_ROUND, country=kenya
    )
    options = _options_by_item(submission.round.version)
    client = Client()
    client.force_login(focal_point)

    with override_settings(ROOT_URLCONF=__name__):
        page_url = reverse(
            "questionnaire:fill", kwargs={"round_code": OPEN_ROUND, "iso3": kenya.iso3}
        )

        def bare():
            response = client.get("/bench/bare/")
            assert response.status_code == 200, response.status_code

        def page():
            response = client.get(page_url)
            assert response.status_code == 200, response.status_code

        payloads = [_post_data(submission, options, variant) for variant in (0, 1)]
        state = {"revision": submission.revision, "turn": 0}

        def draft_save():
            data = payloads[state["turn"]]
            data["revision"] = str(state["revision"])
            # Sent as a browser sends this form (it has no file input): URL-encoded.
            response = client.post(
                page_url, urlencode(data), content_type="application/x-www-form-urlencoded"
            )
            assert response.status_code == 302, response.status_code
            state["revision"] += 1
            state["turn"] ^= 1

        page()  # the previous round's answers are on the page
        assert b"previous-answer" in client.get(page_url).content
        return [
            compare(
                "questionnaire.page_get_30_answered",
                page,
                bare,
                target=TARGET,
                baseline_name=BASELINE,
            ),
            compare(
                "questionnaire.draft_save_30_answers",
                draft_save,
                bare,
                target=TARGET,
                baseline_name=BASELINE,
            ),
        ]


MEASURES = [questionnaire_page_and_draft_save]
