"""The questionnaire a request names, and the pages every view of it shares: the form, the
read-only copy, the refusal, and what the review says to whoever fills or reads it. Views of the
questionnaire, its evidence files, the offline workbook and the submission's confirmation all
start from ``questionnaire_for_request``."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from policyindex.access import (
    edit_refusal_reason,
    questionnaire_refusal_reason,
    visible_country_or_404,
    visible_submission,
)

from .instrument_cache import version_texts
from .models import Round, Submission
from .presenter import questionnaire_page
from .selectors import with_previous_marker


@dataclass
class Questionnaire:
    """The round, the country and its submission (None until the first save) a request is about."""

    round: Round
    country: object
    submission: Submission | None
    refusal: str | None
    # An analyst entering answers the country sent on paper or by e-mail.
    on_behalf: bool = False

    @property
    def subject(self) -> dict:
        """What the page builders take: the round, the country and the submission."""
        return {"round": self.round, "country": self.country, "submission": self.submission}

    @property
    def context(self) -> dict:
        return {**self.subject, "on_behalf": self.on_behalf}

    @property
    def url(self) -> str:
        url = reverse("questionnaire:fill", args=[self.round.code, self.country.iso3])
        return f"{url}?on_behalf=1" if self.on_behalf else url

    @property
    def revision(self) -> int:
        return self.submission.revision if self.submission else 0


def questionnaire_for_request(request, round_code: str, iso3: str) -> Questionnaire:
    """What the URL names, if the user may see it (404 otherwise), and why they may not change it."""
    user = request.user
    on_behalf = user.is_analyst and "1" in (
        request.GET.get("on_behalf"),
        request.POST.get("on_behalf"),
    )
    submission = visible_submission(
        user,
        with_previous_marker(Submission.objects.select_related("round__version", "country")),
        round__code=round_code,
        country__iso3=iso3.upper(),
    )
    if submission is not None:
        return Questionnaire(
            submission.round,
            submission.country,
            submission,
            edit_refusal_reason(user, submission, on_behalf=on_behalf),
            on_behalf,
        )
    country = visible_country_or_404(user, iso3=iso3.upper())
    round_ = get_object_or_404(Round.objects.select_related("version"), code=round_code)
    refusal = questionnaire_refusal_reason(user, round=round_, country=country, on_behalf=on_behalf)
    return Questionnaire(round_, country, None, refusal, on_behalf)


def refused_page(request, message: str, *, status: int = 403, questionnaire=None):
    context = {"message": message, **(questionnaire.context if questionnaire else {})}
    return render(request, "questionnaire/refused.html", context, status=status)


def render_form(request, questionnaire: Questionnaire, page, *, status: int = 200):
    context = {
        **questionnaire.context,
        **review_notes(request, questionnaire),
        "page": page,
        "revision": questionnaire.revision,
    }
    return render(request, "questionnaire/fill.html", context, status=status)


def read_only_page(request, questionnaire: Questionnaire, *, status: int = 200):
    notes = review_notes(request, questionnaire)
    if questionnaire.submission is None:
        return render(
            request,
            "questionnaire/not_started.html",
            {**questionnaire.context, **notes},
            status=status,
        )
    page = questionnaire_page(**questionnaire.subject)
    context = {**questionnaire.context, **notes, "page": page, "reason": questionnaire.refusal}
    if questionnaire.submission.state == Submission.State.VALIDATED:
        # The score of the validated version (the newest record), for the country to see.
        context["score_record"] = questionnaire.submission.score_records.first()
    return render(request, "questionnaire/read_only.html", context, status=status)


def review_notes(request, questionnaire: Questionnaire) -> dict:
    """What the review says to whoever fills or reads the questionnaire: the open queries, why it
    was returned, and for an analyst in scope whether they may enter answers on the country's
    behalf. A draft that was never submitted has no queries: nothing is read for it."""
    submission, user = questionnaire.submission, request.user
    notes: dict = {"return_note": None, "open_queries": [], "may_enter_on_behalf": False}
    if submission is not None and submission.state != Submission.State.DRAFT:
        texts = version_texts(questionnaire.round.version)
        queries = (
            submission.queries.filter(state="open")
            .select_related("item", "raised_by")
            .prefetch_related("messages__author")
            .order_by("raised_at", "pk")
        )
        notes["open_queries"] = [
            {
                "query": query,
                "item_name": texts[query.item.code].name
                if query.item_id and query.item.code in texts
                else "",
                "messages": list(query.messages.all()),
            }
            for query in queries
        ]
        if submission.state == Submission.State.RETURNED:
            notes["return_note"] = (
                submission.events.filter(action__in=["returned", "reopened"])
                .select_related("actor")
                .order_by("-at", "-pk")
                .first()
            )
    if user.is_analyst and not questionnaire.on_behalf:
        refusal = (
            edit_refusal_reason(user, submission, on_behalf=True)
            if submission is not None
            else questionnaire_refusal_reason(
                user, round=questionnaire.round, country=questionnaire.country, on_behalf=True
            )
        )
        notes["may_enter_on_behalf"] = refusal is None
    notes["on_behalf_url"] = (
        reverse("questionnaire:fill", args=[questionnaire.round.code, questionnaire.country.iso3])
        + "?on_behalf=1"
    )
    return notes
