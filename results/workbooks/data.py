"""What the workbooks are built from: plain values, gathered by ``results.report_data``.

No model instance reaches a builder, so a builder can neither query the database nor see more than
it was given: access decisions are made before these values are gathered.
"""

import datetime
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

from scoring import engine

BREAKDOWNS = engine.BREAKDOWNS


@dataclass(frozen=True)
class GroupAggregate:
    """One grouping (World, an SDG region, another UN grouping) with its counts per measure."""

    kind: str  # the grouping's kind, as the reader reads it ("SDG region")
    code: str  # M49
    name: str
    invited: int
    # Breakdown ("_T", "PD_1".."PD_6") to the count of countries per category 1-4.
    counts: dict[str, tuple[int, int, int, int]]
    is_sdg_region: bool = False


@dataclass(frozen=True)
class Score:
    """A domain's or the overall result: the exact score where answers were scored."""

    category: int | None
    score: Fraction | None = None


@dataclass(frozen=True)
class CountryLine:
    m49: str
    iso3: str
    name: str
    sdg_region: str
    source: str  # "computed from validated answers" / "published by the UN, imported"
    result_round: str  # the round the result comes from (the report's round or one carried)
    overall: Score
    domains: tuple[Score, ...]  # six, domain 1 first
    has_answers: bool = False


class AnswerLine(NamedTuple):
    """One answer: a named tuple, as a report holds thousands (cheaper to make than a dataclass)."""

    iso3: str
    country: str
    item_code: str
    item_text: str
    answer_label: str
    answer_code: str
    policy_name: str = ""
    policy_year: int | None = None
    link: str = ""
    citation: str = ""
    comment: str = ""


@dataclass(frozen=True)
class EventLine:
    at: datetime.datetime
    action: str
    from_state: str
    to_state: str
    country: str
    by: str
    reason: str


@dataclass(frozen=True)
class RecordLine:
    at: datetime.datetime
    iso3: str
    country: str
    score: Fraction
    category: int
    trigger: str
    by: str
    reason: str
    methodology_version: str
    current: bool


@dataclass(frozen=True)
class ReportHeading:
    """What every workbook says about itself (the Methodology sheet)."""

    round_code: str
    round_name: str
    reference_year: int
    round_state: str
    is_demo: bool
    release_number: int | None
    released_at: datetime.datetime | None
    methodology_version: str
    generated_at: datetime.datetime
    generated_by: str
    domain_names: tuple[str, ...]  # six, in the report's language
    category_labels: dict[int, str]
    threshold_rules: dict[int, str]
    option_lines: tuple[tuple[str, str, str], ...] = ()  # (domain(s), option label, code value)


@dataclass(frozen=True)
class RoundReportData:
    heading: ReportHeading
    groups: list[GroupAggregate]
    countries: list[CountryLine]
    answers: list[AnswerLine]
    # None: the reader may not see the internal sheets (no History sheet at all).
    events: list[EventLine] | None = None
    records: list[RecordLine] | None = None
    countries_limited: bool = False  # an analyst's scope before publication


@dataclass(frozen=True)
class Comparison:
    round_name: str
    reference_year: int
    source: str
    overall: Score
    domains: tuple[Score, ...]


@dataclass(frozen=True)
class CountryProfileData:
    heading: ReportHeading
    country: CountryLine | None  # None: no result for the round
    country_name: str
    iso3: str
    m49: str
    answers: list[AnswerLine] = field(default_factory=list)
    general_comment: str = ""
    previous: Comparison | None = None
