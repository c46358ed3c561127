"""Consistency checks of a submitted version: plain functions of its content, never of the database.

A check flags an item for the analyst to look at; it never refuses anything. Three checks:

- ``previous_round``: the answer differs from the country's validated answer of the previous round;
- ``no_evidence``: a "Yes"-type answer (an option whose value is above 0) with no evidence at all
  (law or policy, year, link, citation and comment all empty);
- ``late_evidence``: the evidence's year lies after the round's reference year.

Links are never fetched. Each flag has a stable key, ``"<check>:<item code>"`` (e.g.
``"no_evidence:1a"``), which a query raised from it keeps, so a page knows a flag already asked.

``flag_counts`` (at the end) counts the flags of many submissions' latest versions in a fixed
number of queries, for the dashboard.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

PREVIOUS_ROUND = "previous_round"
NO_EVIDENCE = "no_evidence"
LATE_EVIDENCE = "late_evidence"
CHECKS = (PREVIOUS_ROUND, NO_EVIDENCE, LATE_EVIDENCE)

EVIDENCE_FIELDS = ("policy_name", "policy_year", "link", "citation", "comment")


@dataclass(frozen=True)
class Flag:
    check: str
    item_code: str
    # previous_round: the previous and the current option codes; late_evidence: the year.
    old: str = ""
    new: str = ""
    year: int | None = None

    @property
    def key(self) -> str:
        return f"{self.check}:{self.item_code}"


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _year(value) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def changed_since_previous_round(
    answers: Mapping[str, Mapping], previous: Mapping[str, str]
) -> list[Flag]:
    """Items answered differently from the validated answer of the previous round (an item the
    previous round did not answer, or that this version leaves blank, is not compared)."""
    flags = []
    for code, answer in answers.items():
        old = previous.get(code) or ""
        new = answer.get("option_code") or ""
        if old and new and old != new:
            flags.append(Flag(PREVIOUS_ROUND, code, old=old, new=new))
    return flags


def yes_without_evidence(
    answers: Mapping[str, Mapping], option_values: Mapping[str, Mapping[str, object]]
) -> list[Flag]:
    """Items answered with an option worth more than 0 whose five evidence fields are all empty."""
    flags = []
    for code, answer in answers.items():
        option = answer.get("option_code") or ""
        value = option_values.get(code, {}).get(option)
        if value is None or value <= 0:
            continue
        if all(_blank(answer.get(name)) for name in EVIDENCE_FIELDS):
            flags.append(Flag(NO_EVIDENCE, code, new=option))
    return flags


def evidence_after_reference_year(
    answers: Mapping[str, Mapping], reference_year: int
) -> list[Flag]:
    """Items whose evidence is dated after the round's reference year."""
    flags = []
    for code, answer in answers.items():
        year = _year(answer.get("policy_year"))
        if year is not None and year > reference_year:
            flags.append(Flag(LATE_EVIDENCE, code, year=year))
    return flags


def version_flags(
    answers: Mapping[str, Mapping],
    *,
    option_values: Mapping[str, Mapping[str, object]],
    previous: Mapping[str, str],
    reference_year: int,
    item_order: Iterable[str] = (),
) -> list[Flag]:
    """Every flag of a version's answers, by item (in ``item_order``, else by code), then check."""
    flags = [
        *changed_since_previous_round(answers, previous),
        *yes_without_evidence(answers, option_values),
        *evidence_after_reference_year(answers, reference_year),
    ]
    order = {code: n for n, code in enumerate(item_order)}
    return sorted(
        flags,
        key=lambda f: (order.get(f.item_code, len(order)), f.item_code, CHECKS.index(f.check)),
    )


def option_values_of(items) -> dict[str, dict[str, object]]:
    """Item code to option code to numeric value, from items carrying ``options`` (the cache's)."""
    return {item.code: {o.code: o.value for o in item.options} for item in items}


# --- Words -------------------------------------------------------------------------------------

Label = Callable[[str, str], str]  # (item code, option code) -> the option's label


def describe(flag: Flag, *, label: Label, previous_round: str, reference_year: int) -> str:
    """What the flag says, in the active language, answers by their label."""
    if flag.check == PREVIOUS_ROUND:
        return _(
            "The answer differs from the validated answer of %(round)s: %(old)s → %(new)s."
        ) % {
            "round": previous_round,
            "old": label(flag.item_code, flag.old),
            "new": label(flag.item_code, flag.new),
        }
    if flag.check == NO_EVIDENCE:
        return _("“%(answer)s” is given without any evidence (no law, year, link or citation).") % {
            "answer": label(flag.item_code, flag.new)
        }
    return _("The evidence is dated %(year)s, after the round's reference year %(reference)s.") % {
        "year": flag.year,
        "reference": reference_year,
    }


def query_text(flag: Flag, *, label: Label, previous_round: str, reference_year: int) -> str:
    """The question an analyst sends with one click on the flag, in the active language."""
    if flag.check == PREVIOUS_ROUND:
        return _(
            "In %(round)s this item was answered “%(old)s”; it is now “%(new)s”. Could you "
            "confirm the change and tell us which law, policy or decision brought it?"
        ) % {
            "round": previous_round,
            "old": label(flag.item_code, flag.old),
            "new": label(flag.item_code, flag.new),
        }
    if flag.check == NO_EVIDENCE:
        return _(
            "This item is answered “%(answer)s” without evidence. Could you give the law, policy "
            "or strategy it rests on, with its year and a link or citation?"
        ) % {"answer": label(flag.item_code, flag.new)}
    return _(
        "The evidence given is dated %(year)s, after the reference year %(reference)s. Was the "
        "policy in place in %(reference)s? If so, please give the evidence in force then."
    ) % {"year": flag.year, "reference": reference_year}


# --- Many submissions at once -------------------------------------------------------------------


def flag_counts(submissions) -> dict[int, int]:
    """Submission id to the number of flags of its latest submitted version (0 when it has none),
    in a fixed number of queries whatever the number of submissions."""
    from django.db.models import OuterRef, Subquery

    from questionnaire.instrument_cache import version_items
    from questionnaire.models import (
        Answer,
        QuestionnaireVersion,
        Round,
        Submission,
        SubmissionVersion,
    )

    submissions = list(submissions)
    counts = {s.pk: 0 for s in submissions}
    if not submissions:
        return counts
    newest = SubmissionVersion.objects.filter(submission=OuterRef("submission")).order_by("-number")
    latest = {
        submission_id: (questionnaire_version_id, content)
        for submission_id, questionnaire_version_id, content in SubmissionVersion.objects.filter(
            submission_id__in=counts, number=Subquery(newest.values("number")[:1])
        ).values_list("submission_id", "questionnaire_version_id", "content")
    }
    if not latest:
        return counts
    rounds = {
        pk: year
        for pk, year in Round.objects.filter(pk__in={s.round_id for s in submissions}).values_list(
            "pk", "reference_year"
        )
    }
    option_values = {
        version.pk: option_values_of(version_items(version))
        for version in QuestionnaireVersion.objects.filter(
            pk__in={v for v, _content in latest.values()}
        )
    }
    # The previous round of each submission: the country's latest validated submission of a
    # round with an earlier reference year.
    validated = (
        Submission.objects.filter(
            country_id__in={s.country_id for s in submissions},
            state=Submission.State.VALIDATED,
            round__reference_year__lt=max(rounds.values()),
        )
        .order_by("country_id", "-round__reference_year")
        .values_list("pk", "country_id", "round__reference_year")
    )
    by_country: dict[int, list[tuple[int, int]]] = {}
    for pk, country_id, year in validated:
        by_country.setdefault(country_id, []).append((year, pk))
    previous_of = {}
    for s in submissions:
        earlier = [pk for year, pk in by_country.get(s.country_id, []) if year < rounds[s.round_id]]
        if earlier:
            previous_of[s.pk] = earlier[0]
    previous_answers: dict[int, dict[str, str]] = {}
    for submission_id, code, option in Answer.objects.filter(
        submission_id__in=set(previous_of.values())
    ).values_list("submission_id", "item__code", "option_code"):
        previous_answers.setdefault(submission_id, {})[code] = option
    for s in submissions:
        if s.pk not in latest:
            continue
        questionnaire_version_id, content = latest[s.pk]
        counts[s.pk] = len(
            version_flags(
                content.get("answers", {}),
                option_values=option_values.get(questionnaire_version_id, {}),
                previous=previous_answers.get(previous_of.get(s.pk), {}),
                reference_year=rounds[s.round_id],
            )
        )
    return counts
