"""The data of the Excel reports, gathered in a fixed number of queries whatever the number of
countries. Builders in ``results.workbooks`` turn them into workbooks.

A published round is read from its frozen release (the figures the public sees); an unpublished one
from the current score records and imported results. Scores come from the score records (published
UN results carry categories only); answers and evidence from the validated submission version each
score record was computed from.
"""

import datetime
from collections import defaultdict
from fractions import Fraction
from typing import NamedTuple

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from geography.models import Country, Region
from policyindex import access
from questionnaire.models import Item, ResponseOption, Round, Submission
from review.models import RoundEvent
from scoring import engine
from scoring.models import DomainScore, PublishedResult, Release, ReleaseResult, ScoreRecord
from scoring.models.choices import DOMAIN_BREAKDOWNS, OVERALL, Category
from scoring.rule_labels import RULE_LABELS
from scoring.selectors import (
    COMPUTED,
    PUBLISHED,
    CountryResult,
    published_release,
    round_aggregates,
    rounds_counted,
)

from .workbooks.data import (
    BREAKDOWNS,
    AnswerLine,
    Comparison,
    CountryLine,
    CountryProfileData,
    EventLine,
    GroupAggregate,
    RecordLine,
    ReportHeading,
    RoundReportData,
    Score,
)


def _naive_local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """Excel has no time zones: a moment is written in the site's local time."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None)


def _who(user) -> str:
    if user is None or not user.is_authenticated:
        return _("A visitor (public download)")
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else user.username


def _exact(twice_sum: int, item_count: int) -> Fraction:
    return Fraction(twice_sum * 100, 2 * item_count)


class _Instrument:
    """The items and options of some questionnaire versions, read in two queries."""

    def __init__(self, version_ids):
        version_ids = set(version_ids)
        self.items: dict[int, list[Item]] = defaultdict(list)
        for item in (
            Item.objects.filter(version_id__in=version_ids)
            .select_related("domain")
            .order_by("version_id", "order")
        ):
            self.items[item.version_id].append(item)
        self.options: dict[tuple[int, str], ResponseOption] = {}
        self.options_by_set: dict[int, list[ResponseOption]] = defaultdict(list)
        self._words_of: dict[int, list] = {}
        for option in ResponseOption.objects.filter(
            response_set__version_id__in=version_ids
        ).order_by("response_set_id", "order"):
            self.options[(option.response_set_id, option.code)] = option
            self.options_by_set[option.response_set_id].append(option)

    def domain_names(self, version_id: int) -> tuple[str, ...]:
        names = {item.domain.number: item.domain.display_name for item in self.items[version_id]}
        return tuple(names.get(n, _("Domain %(number)d") % {"number": n}) for n in range(1, 7))

    def option_lines(self, version_id: int) -> tuple[tuple[str, str, str], ...]:
        """(domains, option label, code value) for the coding table of the Methodology sheet."""
        domains_of_set: dict[int, set[int]] = defaultdict(set)
        for item in self.items[version_id]:
            domains_of_set[item.response_set_id].add(item.domain.number)
        lines = []
        for set_id, numbers in sorted(domains_of_set.items(), key=lambda kv: min(kv[1])):
            numbers = sorted(numbers)
            if len(numbers) == 1:
                domains = _("Domain %(number)d") % {"number": numbers[0]}
            else:
                domains = _("Domains %(first)d to %(last)d") % {
                    "first": numbers[0],
                    "last": numbers[-1],
                }
            for option in self.options_by_set[set_id]:
                lines.append((domains, option.display_label, f"{option.value.normalize():f}"))
        return tuple(lines)

    def _words(self, version_id: int) -> list[tuple[str, str, int, dict[str, str]]]:
        """(item code, text, response set, option code to label) in the active language, worked
        out once per version and report."""
        words = self._words_of.get(version_id)
        if words is None:
            labels: dict[int, dict[str, str]] = defaultdict(dict)
            for (set_id, code), option in self.options.items():
                labels[set_id][code] = option.display_label
            words = [
                (item.code, item.display_text, item.response_set_id, labels[item.response_set_id])
                for item in self.items[version_id]
            ]
            self._words_of[version_id] = words
        return words

    def answer_lines(
        self, *, version_id: int, country: Country, content: dict, name: str | None = None
    ) -> list[AnswerLine]:
        """``name``: the country's display name, when the caller has worked it out already."""
        answers = content.get("answers", {})
        iso3, name = country.iso3, name or country.display_name
        not_answered = _("Not answered")
        empty: dict = {}
        lines = []
        for item_code, item_text, _set_id, labels in self._words(version_id):
            given = answers.get(item_code) or empty
            code = given.get("option_code") or ""
            lines.append(
                AnswerLine(
                    iso3,
                    name,
                    item_code,
                    item_text,
                    labels.get(code, not_answered) if code else not_answered,
                    code,
                    given.get("policy_name") or "",
                    given.get("policy_year") or None,
                    given.get("link") or "",
                    given.get("citation") or "",
                    given.get("comment") or "",
                )
            )
        return lines


def _heading(
    round_: Round, release: Release | None, instrument: _Instrument, user, now
) -> ReportHeading:
    return ReportHeading(
        round_code=round_.code,
        round_name=round_.display_name,
        reference_year=round_.reference_year,
        round_state=round_.get_state_display(),
        is_demo=round_.is_demo,
        release_number=release.number if release else None,
        released_at=_naive_local(release.published_at) if release else None,
        methodology_version=engine.METHODOLOGY_VERSION,
        generated_at=_naive_local(now or timezone.now()),
        generated_by=_who(user),
        domain_names=instrument.domain_names(round_.version_id),
        category_labels={c.value: str(c.label) for c in Category},
        threshold_rules={code: str(label) for code, label in RULE_LABELS.items()},
        option_lines=instrument.option_lines(round_.version_id),
    )


class _Record(NamedTuple):
    """What the reports read of a score record and the submission version it was computed from."""

    pk: int
    round_id: int
    answers: dict
    twice_sum: int
    item_count: int
    submission_version_id: int | None
    questionnaire_version_id: int | None
    content: dict | None


def _records_with_versions(record_ids) -> dict[int, _Record]:
    # Plain rows, not model instances: a report reads hundreds of them.
    return {
        row[0]: _Record(*row)
        for row in ScoreRecord.objects.filter(pk__in=list(record_ids)).values_list(
            "pk",
            "round_id",
            "answers",
            "twice_sum",
            "item_count",
            "submission_version_id",
            "submission_version__questionnaire_version_id",
            "submission_version__content",
        )
    }


def _domain_scores(record_ids) -> dict[int, dict[str, Fraction]]:
    scores: dict[int, dict[str, Fraction]] = defaultdict(dict)
    for record_id, sdmx, twice_sum, item_count in DomainScore.objects.filter(
        record_id__in=list(record_ids)
    ).values_list("record_id", "sdmx", "twice_sum", "item_count"):
        scores[record_id][sdmx] = _exact(twice_sum, item_count)
    return scores


def _version_of(record: _Record, round_versions: dict[int, int]) -> int:
    if record.submission_version_id:
        return record.questionnaire_version_id
    return round_versions[record.round_id]


def _content_of(record: _Record) -> dict:
    """The frozen answers and evidence; a record without its version (loaded in bulk) has only the
    codes it scored."""
    if record.submission_version_id:
        return record.content
    return {"answers": {code: {"option_code": value} for code, value in record.answers.items()}}


def _country_line(
    country: Country,
    result: CountryResult,
    *,
    round_names: dict[int, str],
    record: _Record | None,
    domain_scores: dict[str, Fraction],
    names: tuple[str, str] | None = None,
) -> CountryLine:
    """``names``: the country's and its SDG region's display names, when worked out already."""
    name, sdg_region = names or (country.display_name, country.sdg_region.display_name)
    categories = result.categories
    return CountryLine(
        m49=country.m49,
        iso3=country.iso3,
        name=name,
        sdg_region=sdg_region,
        source=result.source_label,
        result_round=round_names.get(result.round_id, ""),
        overall=Score(
            categories.get(OVERALL),
            _exact(record.twice_sum, record.item_count) if record else None,
        ),
        domains=tuple(Score(categories.get(b), domain_scores.get(b)) for b in DOMAIN_BREAKDOWNS),
        has_answers=record is not None,
    )


def round_report_data(
    *,
    round_: Round,
    user=None,
    countries=None,
    region_ids: set[int] | None = None,
    internal: bool = False,
    history_countries=None,
    now: datetime.datetime | None = None,
) -> RoundReportData:
    """The round report's data. ``countries`` (a queryset; None for all) limits the country rows,
    ``region_ids`` (None for all) the groupings; ``internal`` adds the round's history of ``history_countries`` (None for all). These come
    from ``policyindex.access``, never from here."""
    aggregates = round_aggregates(round=round_, frozen=True)
    release = published_release(round_)
    round_names = {r.pk: r.display_name for r in aggregates.rounds}
    round_versions = {r.pk: r.version_id for r in aggregates.rounds}

    country_rows = Country.objects.select_related("sdg_region").filter(
        pk__in=list(aggregates.results)
    )
    if countries is not None:
        country_rows = country_rows.filter(pk__in=countries.values("pk"))
    # Display names looked up once per country and region (each looks up the active language).
    region_names: dict[int, str] = {}
    names = {
        c.pk: (
            c.display_name,
            region_names.get(c.sdg_region_id)
            or region_names.setdefault(c.sdg_region_id, c.sdg_region.display_name),
        )
        for c in country_rows
    }
    shown = sorted(country_rows, key=lambda c: names[c.pk][0])
    results = [(c, aggregates.results[c.pk]) for c in shown]
    record_ids = [r.record_id for _c, r in results if r.record_id]
    records = _records_with_versions(record_ids)
    domain_scores = _domain_scores(record_ids)
    instrument = _Instrument(
        {round_.version_id, *(_version_of(r, round_versions) for r in records.values())}
    )

    lines, answers = [], []
    for country, result in results:
        record = records.get(result.record_id) if result.record_id else None
        lines.append(
            _country_line(
                country,
                result,
                round_names=round_names,
                record=record,
                domain_scores=domain_scores.get(record.pk, {}) if record else {},
                names=names[country.pk],
            )
        )
        if record is not None:
            answers += instrument.answer_lines(
                version_id=_version_of(record, round_versions),
                country=country,
                content=_content_of(record),
                name=names[country.pk][0],
            )

    groups = [
        GroupAggregate(
            kind=aggregate.region.get_kind_display(),
            code=aggregate.region.m49,
            name=aggregate.region.display_name,
            invited=aggregate.invited,
            counts={b: tuple(aggregate.measure(b).counts) for b in BREAKDOWNS},
            is_sdg_region=aggregate.region.kind == Region.Kind.SDG,
        )
        for aggregate in aggregates.regions
        if region_ids is None or aggregate.region.pk in region_ids
    ]

    events = records_lines = None
    if internal:
        events, records_lines = _history(round_, history_countries, set(record_ids))
    return RoundReportData(
        heading=_heading(round_, release, instrument, user, now),
        groups=groups,
        countries=lines,
        answers=answers,
        events=events,
        records=records_lines,
        countries_limited=countries is not None,
    )


def _choice_labels(model, field_name: str) -> dict[str, str]:
    """A choice field's labels in the active language, worked out once rather than per row."""
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


def _history(round_: Round, countries, current_ids: set[int]):
    the_system = _("the system")
    actions = _choice_labels(RoundEvent, "action")
    states = _choice_labels(RoundEvent, "from_state") | _choice_labels(RoundEvent, "to_state")
    events = [
        EventLine(
            at=_naive_local(event.at),
            action=actions.get(event.action, event.action),
            from_state=states.get(event.from_state, event.from_state) if event.from_state else "",
            to_state=states.get(event.to_state, event.to_state) if event.to_state else "",
            country=event.country.display_name if event.country else "",
            by=_who(event.actor) if event.actor else the_system,
            reason=event.reason,
        )
        for event in RoundEvent.objects.filter(round=round_)
        .select_related("actor", "country")
        .order_by("at", "pk")
        if countries is None or event.country is None or event.country_id in _ids(countries)
    ]
    rows = (
        ScoreRecord.objects.filter(round=round_)
        .select_related("country", "triggered_by")
        .defer("answers", "imputed_items")
        .order_by("country__name", "-created_at", "-pk")
    )
    if countries is not None:
        rows = rows.filter(country__in=countries)
    triggers = _choice_labels(ScoreRecord, "trigger")
    records = [
        RecordLine(
            at=_naive_local(record.created_at),
            iso3=record.country.iso3,
            country=record.country.display_name,
            score=record.exact_score,
            category=record.category,
            trigger=triggers.get(record.trigger, record.trigger),
            by=_who(record.triggered_by) if record.triggered_by else the_system,
            reason=record.reason,
            methodology_version=record.methodology_version,
            current=record.pk in current_ids,
        )
        for record in rows
    ]
    return events, records


def _ids(countries) -> set[int]:
    cached = getattr(countries, "_report_ids", None)
    if cached is None:
        cached = set(countries.values_list("pk", flat=True))
        countries._report_ids = cached
    return cached


# --- One country's profile ---------------------------------------------------------------------


def _country_result(round_: Round, country: Country) -> tuple[CountryResult | None, list[Round]]:
    """The country's result for the round, as ``round_aggregates`` counts it, read for this country
    alone (the round's other countries are never loaded)."""
    rounds = rounds_counted(round_)
    release = published_release(round_)
    if release is not None:
        entry = None
        for round_id, source, breakdown, category, record_id in ReleaseResult.objects.filter(
            release=release, country=country
        ).values_list("source_round_id", "source", "breakdown", "category", "score_record_id"):
            entry = entry or {"round_id": round_id, "source": source, "record_id": record_id}
            entry.setdefault("categories", {})[breakdown] = category
        result = CountryResult(country_id=country.pk, **entry) if entry else None
        return result, rounds
    current: dict[int, tuple[int, int]] = {}
    seen = set()
    for pk, round_id, category, state in (
        ScoreRecord.objects.filter(round__in=rounds, country=country)
        .order_by("-created_at", "-pk")
        .values_list("pk", "round_id", "category", "submission__state")
    ):
        if round_id in seen:
            continue
        seen.add(round_id)
        if state == Submission.State.VALIDATED:
            current[round_id] = (pk, category)
    published: dict[int, dict[str, int]] = defaultdict(dict)
    for round_id, breakdown, category in (
        PublishedResult.objects.filter(round__in=rounds, country=country)
        .order_by("pk")
        .values_list("round_id", "breakdown", "category")
    ):
        published[round_id][breakdown] = category
    for r in rounds:  # the round itself first, then those it carries forward
        if r.pk in current:
            pk, category = current[r.pk]
            domains = DomainScore.objects.filter(record_id=pk).values_list("sdmx", "category")
            result = CountryResult(
                country_id=country.pk,
                round_id=r.pk,
                source=COMPUTED,
                categories={OVERALL: category, **dict(domains)},
                record_id=pk,
            )
            return result, rounds
        if r.pk in published:
            result = CountryResult(
                country_id=country.pk, round_id=r.pk, source=PUBLISHED, categories=published[r.pk]
            )
            return result, rounds
    return None, rounds


def _previous_result(
    country: Country, before_year: int, *, is_demo: bool
) -> tuple[Round, CountryResult] | None:
    """The country's own result in the newest published round before ``before_year``, as that
    round's newest release froze it."""
    earlier = {
        r.pk: r
        # Demo rounds are compared only with demo rounds, real ones with real ones.
        for r in access.public_rounds()
        .filter(reference_year__lt=before_year, is_demo=is_demo)
        .only("pk", "code", "name", "name_fr", "name_es", "reference_year", "version_id")
    }
    if not earlier:
        return None
    rows = ReleaseResult.objects.filter(
        country=country, release__round__in=list(earlier), source_round=F("release__round")
    ).values_list(
        "release__round_id", "release__number", "source", "breakdown", "category", "score_record_id"
    )
    newest_release: dict[int, int] = {}
    by_release: dict[tuple[int, int], dict] = {}
    for round_id, number, source, breakdown, category, record_id in rows:
        newest_release[round_id] = max(newest_release.get(round_id, 0), number)
        entry = by_release.setdefault(
            (round_id, number),
            {"round_id": round_id, "source": source, "record_id": record_id, "categories": {}},
        )
        entry["categories"][breakdown] = category
    if not newest_release:
        return None
    round_id = max(newest_release, key=lambda pk: earlier[pk].reference_year)
    entry = by_release[(round_id, newest_release[round_id])]
    return earlier[round_id], CountryResult(country_id=country.pk, **entry)


def country_profile_data(
    *, round_: Round, country: Country, user=None, now: datetime.datetime | None = None
) -> CountryProfileData:
    result, rounds = _country_result(round_, country)
    release = published_release(round_)
    round_names = {r.pk: r.display_name for r in rounds}
    round_versions = {r.pk: r.version_id for r in rounds}
    previous = None
    if result is not None:
        result_year = next(r.reference_year for r in rounds if r.pk == result.round_id)
        previous = _previous_result(country, result_year, is_demo=round_.is_demo)
    if previous is not None:
        round_versions[previous[0].pk] = previous[0].version_id
    record_ids = [r.record_id for r in (result, previous and previous[1]) if r and r.record_id]
    records = _records_with_versions(record_ids)
    domain_scores = _domain_scores(record_ids)
    instrument = _Instrument(
        {round_.version_id, *(_version_of(r, round_versions) for r in records.values())}
    )
    line = None
    general_comment = ""
    answers = []
    if result is not None:
        record = records.get(result.record_id) if result.record_id else None
        line = _country_line(
            country,
            result,
            round_names=round_names,
            record=record,
            domain_scores=domain_scores.get(record.pk, {}) if record else {},
        )
        if record is not None:
            content = _content_of(record)
            answers = instrument.answer_lines(
                version_id=_version_of(record, round_versions), country=country, content=content
            )
            general_comment = content.get("general_comment") or ""
    comparison = None
    if previous is not None:
        previous_round, previous_result = previous
        record = records.get(previous_result.record_id) if previous_result.record_id else None
        scores = domain_scores.get(record.pk, {}) if record else {}
        comparison = Comparison(
            round_name=previous_round.display_name,
            reference_year=previous_round.reference_year,
            source=previous_result.source_label,
            overall=Score(
                previous_result.categories.get(OVERALL),
                _exact(record.twice_sum, record.item_count) if record else None,
            ),
            domains=tuple(
                Score(previous_result.categories.get(b), scores.get(b)) for b in DOMAIN_BREAKDOWNS
            ),
        )
    return CountryProfileData(
        heading=_heading(round_, release, instrument, user, now),
        country=line,
        country_name=country.display_name,
        iso3=country.iso3,
        m49=country.m49,
        answers=answers,
        general_comment=general_comment,
        previous=comparison,
    )
