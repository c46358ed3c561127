"""The end checks of `make simulate-round`, read from the database with the ORM.

Run as ``python -m simround.checks LEDGER OUT`` (DJANGO_SETTINGS_MODULE and DATABASE_URL set):
reads the ledger the virtual users wrote, writes the findings as JSON. Each check returns a list
of problems (sentences); an empty list means it holds.

- ``lost_answers``: every value a virtual user was told was saved is in the last frozen version of
  its submission, or was superseded by a later ``AnswerChange`` of the same field.
- ``history_mismatches``: each answer as stored equals the last value its history records, and
  its change count equals its history rows (nothing half-written).
- ``event_mismatches``: every state change a virtual user saw succeed is one ``SubmissionEvent``
  (or ``RoundEvent``), none is missing and there is no other; each submission's events follow on
  from each other and end in its state; every frozen version is intact.
- ``release_mismatches``: the round's release equals ``scoring.engine.compute_score`` run on the
  validated versions' answers: each country's categories, and the counts per category of every
  region (World, SDG regions, M49 regions, sub-regions, intermediate regions), as the release
  keys them (by M49 code).
"""

import json
import sys
from collections import Counter, defaultdict

SYSTEM = "system"
STATE_CHANGES = ("submitted", "returned", "validated", "reopened")


def _text(value) -> str:
    return "" if value is None else str(value)


def _frozen_value(content: dict | None, code: str, field: str) -> str | None:
    if content is None:
        return None
    if not code:
        return _text(content.get(field))
    answer = content.get("answers", {}).get(code)
    return None if answer is None else _text(answer.get(field))


def lost_answers(round_code: str, saves: list[dict]) -> list[str]:
    from questionnaire.models import AnswerChange, Submission, SubmissionVersion

    submissions = {
        s.country.iso3: s
        for s in Submission.objects.filter(round__code=round_code).select_related("country")
    }
    last_content = {}
    for version in SubmissionVersion.objects.filter(submission__round__code=round_code).order_by(
        "number"
    ):
        last_content[version.submission_id] = version.content
    history: dict[tuple, list[str]] = defaultdict(list)
    rows = (
        AnswerChange.objects.filter(submission__round__code=round_code)
        .order_by("revision", "pk")
        .values_list("submission_id", "item__code", "field", "new_value")
    )
    for submission_id, code, field, new_value in rows:
        history[(submission_id, code or "", field)].append(new_value)
    problems = []
    for save in saves:
        submission = submissions.get(save["iso3"])
        if submission is None:
            problems.append(f"{save['iso3']}: saved by {save['user']} but has no submission")
            continue
        content = last_content.get(submission.pk)
        for key, value in save["fields"].items():
            code, _sep, field = key.partition("|")
            if _frozen_value(content, code, field) == value:
                continue
            changes = history[(submission.pk, code, field)]
            last = max((i for i, v in enumerate(changes) if v == value), default=None)
            if last is not None and last < len(changes) - 1:
                continue  # superseded by a later save recorded in the history
            frozen = _frozen_value(content, code, field)
            problems.append(
                f"{save['iso3']} {code or '-'} {field}: {save['user']} saved {value!r}, the last "
                f"version holds {frozen!r} and the history does not supersede it"
            )
    return problems


def history_mismatches(round_code: str) -> list[str]:
    from questionnaire.models import Answer, AnswerChange

    fields = ("option_code", "policy_name", "policy_year", "link", "citation", "comment")
    last: dict[tuple, str] = {}
    counts: Counter = Counter()
    rows = (
        AnswerChange.objects.filter(submission__round__code=round_code)
        .exclude(item=None)
        .order_by("revision", "pk")
        .values_list("submission_id", "item_id", "field", "new_value")
    )
    for submission_id, item_id, field, new_value in rows:
        last[(submission_id, item_id, field)] = new_value
        counts[(submission_id, item_id)] += 1
    problems = []
    answers = Answer.objects.filter(submission__round__code=round_code).values(
        "submission_id", "item_id", "item__code", "change_count", *fields
    )
    for answer in answers:
        key = (answer["submission_id"], answer["item_id"])
        if answer["change_count"] != counts[key]:
            problems.append(
                f"submission {key[0]} item {answer['item__code']}: change count "
                f"{answer['change_count']}, {counts[key]} history rows"
            )
        for field in fields:
            recorded = last.get((*key, field), "")
            if _text(answer[field]) != recorded:
                problems.append(
                    f"submission {key[0]} item {answer['item__code']} {field}: stored "
                    f"{_text(answer[field])!r}, history ends at {recorded!r}"
                )
    return problems


def event_mismatches(
    round_code: str, transitions: list[dict], round_events: list[dict]
) -> list[str]:
    from questionnaire.models import Submission, SubmissionEvent, SubmissionVersion
    from review.models import RoundEvent

    problems = []
    expected = Counter((t["iso3"], t["action"], t["actor"]) for t in transitions)
    events = (
        SubmissionEvent.objects.filter(submission__round__code=round_code)
        .select_related("submission__country", "actor")
        .order_by("submission", "at", "pk")
    )
    actual: Counter = Counter()
    chains: dict[int, list] = defaultdict(list)
    for event in events:
        chains[event.submission_id].append(event)
        if event.action in STATE_CHANGES:
            actor = event.actor.username if event.actor else SYSTEM
            actual[(event.submission.country.iso3, event.action, actor)] += 1
    for (iso3, action, actor), count in sorted((expected - actual).items()):
        problems.append(f"{iso3}: {action} by {actor} seen by the client, {count} not recorded")
    for (iso3, action, actor), count in sorted((actual - expected).items()):
        problems.append(f"{iso3}: {action} by {actor} recorded {count} more time(s) than seen")
    for submission in Submission.objects.filter(round__code=round_code).select_related("country"):
        chain = [e for e in chains[submission.pk] if e.action != "created" or e.from_state]
        state = ""
        for event in chain:
            if event.from_state and state and event.from_state != state:
                problems.append(
                    f"{submission.country.iso3}: {event.action} from {event.from_state} after "
                    f"a change to {state}"
                )
            state = event.to_state
        if chain and state != submission.state:
            problems.append(f"{submission.country.iso3}: is {submission.state}, events say {state}")
    for version in SubmissionVersion.objects.filter(submission__round__code=round_code):
        if not version.is_intact():
            problems.append(f"version {version.pk}: content does not match its fingerprint")
    expected_round = Counter((e["action"], e["actor"]) for e in round_events)
    expected_round[("opened", SYSTEM)] += 1  # opened by the seed, as the system
    actual_round = Counter(
        (e.action, e.actor.username if e.actor else SYSTEM)
        for e in RoundEvent.objects.filter(round__code=round_code).select_related("actor")
    )
    for (action, actor), count in sorted((expected_round - actual_round).items()):
        problems.append(f"round: {action} by {actor} not recorded ({count})")
    for (action, actor), count in sorted((actual_round - expected_round).items()):
        problems.append(f"round: {action} by {actor} recorded {count} more time(s) than seen")
    return problems


# --- the published figures -------------------------------------------------------------------------


def expected_categories(answers_by_country: dict) -> dict:
    """Country to breakdown ("_T", "PD_1".."PD_6") to category, by the pure engine."""
    from scoring.engine import compute_score

    expected = {}
    for country, answers in answers_by_country.items():
        result = compute_score(answers)
        expected[country] = {"_T": result.overall.category.code} | {
            d.sdmx: d.category.code for d in result.domains
        }
    return expected


def expected_region_counts(categories: dict, memberships: dict, regions: list) -> dict:
    """(kind, m49) to breakdown to [count of category 1, 2, 3, 4]; ``memberships`` maps a country
    to the (kind, m49) of the regions it counts in (World included)."""
    from scoring.engine import BREAKDOWNS as breakdowns

    counts = {region: {b: [0, 0, 0, 0] for b in breakdowns} for region in regions}
    for country, by_breakdown in categories.items():
        for region in memberships[country]:
            for breakdown, category in by_breakdown.items():
                counts[region][breakdown][category - 1] += 1
    return counts


def compare_release(
    expected: dict, released: dict, expected_counts: dict, released_counts: dict
) -> list[str]:
    """Plain comparison: ``released`` country to breakdown to category; ``released_counts`` the
    release's ``aggregates`` ("kind:M49" to breakdown to counts)."""
    problems = []
    for country in sorted(set(expected) | set(released)):
        if expected.get(country) != released.get(country):
            problems.append(
                f"{country}: engine {expected.get(country)}, release {released.get(country)}"
            )
    for (kind, m49), counts in sorted(expected_counts.items()):
        got = released_counts.get(f"{kind}:{m49}")
        if got is None:
            problems.append(f"region {kind} {m49}: missing from the release's aggregates")
        elif {b: list(c) for b, c in got.items()} != counts:
            problems.append(f"region {kind} {m49}: engine {counts}, release {got}")
    for key in sorted(set(released_counts) - {f"{k}:{m}" for k, m in expected_counts}):
        problems.append(f"region {key}: in the release's aggregates, not a region")
    return problems


def release_mismatches(round_code: str) -> list[str]:
    from geography.models import (
        Country,
        GroupingMembership,
        Region,
        grouping_reference_date,
        members_on,
    )
    from questionnaire.models import Round, Submission, SubmissionEvent
    from scoring.models import Release, ReleaseResult

    round_ = Round.objects.get(code=round_code)
    release = Release.objects.filter(round=round_).order_by("-number").first()
    if release is None:
        return ["the round has no release"]
    answers = {}
    events = (
        SubmissionEvent.objects.filter(
            submission__round=round_,
            action="validated",
            submission__state=Submission.State.VALIDATED,
        )
        .select_related("submission__country", "version")
        .order_by("at", "pk")
    )
    for event in events:  # the newest validation of each country counts
        answers[event.submission.country.iso3] = event.version.answer_codes()
    expected = expected_categories(answers)
    released: dict[str, dict] = defaultdict(dict)
    problems = []
    for row in ReleaseResult.objects.filter(release=release).select_related("country"):
        released[row.country.iso3][row.breakdown] = row.category
        if row.source != ReleaseResult.COMPUTED or row.source_round_id != round_.pk:
            problems.append(f"{row.country.iso3}: released from {row.source} of another round")
    world = [(r.kind, r.m49) for r in Region.objects.filter(kind=Region.Kind.WORLD)]
    regions = [(r.kind, r.m49) for r in Region.objects.all()]
    memberships = {}
    for country in Country.objects.select_related(
        "sdg_region", "m49_region", "m49_subregion", "intermediate_region"
    ):
        own = [
            (r.kind, r.m49)
            for r in (
                country.sdg_region,
                country.m49_region,
                country.m49_subregion,
                country.intermediate_region,
            )
            if r is not None
        ]
        memberships[country.iso3] = world + own
    day = grouping_reference_date(round_.reference_year)
    for iso3, kind, m49 in GroupingMembership.objects.filter(members_on(day)).values_list(
        "country__iso3", "region__kind", "region__m49"
    ):
        memberships[iso3].append((kind, m49))
    counts = expected_region_counts(expected, memberships, regions)
    return problems + compare_release(expected, dict(released), counts, release.aggregates)


def mail_counts() -> dict:
    from review.models import OutgoingMail

    return {
        "written": OutgoingMail.objects.count(),
        "unsent": OutgoingMail.objects.filter(sent_at=None).count(),
    }


def run(ledger: dict) -> dict:
    round_code = ledger["round"]
    findings = {
        "lost_answers": lost_answers(round_code, ledger["saves"]),
        "history_mismatches": history_mismatches(round_code),
        "event_mismatches": event_mismatches(
            round_code, ledger["transitions"], ledger["round_events"]
        ),
        "release_mismatches": release_mismatches(round_code),
    }
    findings["mail"] = mail_counts()
    findings["values_checked"] = sum(len(s["fields"]) for s in ledger["saves"])
    findings["transitions_checked"] = len(ledger["transitions"]) + len(ledger["round_events"])
    return findings


def main(ledger_path: str, out_path: str) -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyindex.settings")
    import django

    django.setup()
    with open(ledger_path, encoding="utf-8") as source:
        ledger = json.load(source)
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(run(ledger), out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
