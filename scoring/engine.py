"""The pure scoring engine for SDG indicator 10.7.2.

This module encodes the arithmetic of ../shared/methodology/README.md and nothing else. It
imports only the standard library (never Django), so it can be tested, benchmarked and reused
without a database or settings.

Rules, in short:

- Domain 1 (R3): "yes_all" = 1, "yes_legal" = 0.5, "no" = 0. Domains 2-6 (R2): "yes" = 1, "no" = 0.
- An unanswered item (value ``None`` or key absent) counts 0 and is reported as imputed.
- Domain score = mean of its 5 codes x 100; overall score = mean of all 30 codes x 100 (which equals
  the mean of the six domain scores; it is never derived from the domain categories).
- Category 1 below 40, 2 from 40 to below 80, 3 from 80 to below 100, 4 at exactly 100.

All arithmetic is exact: codes are held as twice their value (integers) and scores are
``fractions.Fraction``. No float takes part in any computation or comparison; a score is rounded
only for display, by :func:`score_display`.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from types import MappingProxyType

# Identifies the rules encoded below: indicator / date of the UN SDG metadata / revision of this
# engine. ANY change to the rules (codes, imputation, score formulas, thresholds, the instrument's
# structure) MUST change this string, so that stored scores can be traced to the rules that
# produced them and recomputed when the rules change.
METHODOLOGY_VERSION: str = "10.7.2/2021-03-01/1"

__all__ = [
    "AGGREGATE_CATEGORIES",
    "BREAKDOWN_TOTAL",
    "CATEGORIES",
    "IMPUTE_OMIT",
    "IMPUTE_ZERO",
    "OFFICIAL",
    "DomainRule",
    "Methodology",
    "MethodologyError",
    "counts_toward_indicator",
    "methodology_as_data",
    "methodology_from_data",
    "DOMAINS",
    "ITEM_CODES",
    "METHODOLOGY_VERSION",
    "Category",
    "DomainResult",
    "DomainSpec",
    "OverallResult",
    "ScoreResult",
    "ScoringError",
    "UnknownItemError",
    "UnknownOptionError",
    "answers_fingerprint",
    "category_for_score",
    "compute_score",
    "normalise_answers",
    "score_display",
    "threshold_rule",
]


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class ScoringError(ValueError):
    """Answers that cannot be scored under the methodology."""


class UnknownItemError(ScoringError):
    """An item code that is not one of the 30 sub-categories of the instrument."""

    def __init__(self, item_code: object) -> None:
        self.item_code = item_code
        super().__init__(
            f"Unknown item code {item_code!r}: expected one of {ITEM_CODES[0]!r} to {ITEM_CODES[-1]!r}"
        )


class UnknownOptionError(ScoringError):
    """An option code that is not valid for the item's domain."""

    def __init__(self, item_code: str, option_code: object, valid: tuple[str, ...]) -> None:
        self.item_code = item_code
        self.option_code = option_code
        super().__init__(
            f"Unknown option {option_code!r} for item {item_code!r}: "
            f"expected one of {', '.join(repr(v) for v in valid)} or None (unanswered)"
        )


# --------------------------------------------------------------------------------------------
# The instrument
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DomainSpec:
    """One domain of the instrument.

    ``option_values`` maps each option code to TWICE its code value, so every sum is an integer
    (domain 1 codes move in steps of 0.5).
    """

    number: int
    sdmx: str
    item_codes: tuple[str, ...]
    option_values: Mapping[str, int]

    @property
    def max_twice_sum(self) -> int:
        return 2 * len(self.item_codes)


# The SDMX COMPOSITE_BREAKDOWN codes: the total, and one per domain (``domain_breakdown``).
BREAKDOWN_TOTAL = "_T"


def domain_breakdown(number: int) -> str:
    return f"PD_{number}"


DOMAIN_BREAKDOWNS: tuple[str, ...] = tuple(domain_breakdown(n) for n in range(1, 7))
BREAKDOWNS: tuple[str, ...] = (BREAKDOWN_TOTAL, *DOMAIN_BREAKDOWNS)


_R3 = MappingProxyType({"yes_all": 2, "yes_legal": 1, "no": 0})
_R2 = MappingProxyType({"yes": 2, "no": 0})

DOMAINS: tuple[DomainSpec, ...] = tuple(
    DomainSpec(
        number=n,
        sdmx=domain_breakdown(n),
        item_codes=tuple(f"{n}{letter}" for letter in "abcde"),
        option_values=_R3 if n == 1 else _R2,
    )
    for n in range(1, 7)
)

ITEM_CODES: tuple[str, ...] = tuple(code for d in DOMAINS for code in d.item_codes)


# --------------------------------------------------------------------------------------------
# Categories
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    code: int
    label: str

    def __str__(self) -> str:
        return self.label


CATEGORIES: tuple[Category, ...] = (
    Category(1, "Requires further progress"),
    Category(2, "Partially meets"),
    Category(3, "Meets"),
    Category(4, "Fully meets"),
)

_RULES: Mapping[int, str] = MappingProxyType(
    {
        1: "score < 40",
        2: "40 ≤ score < 80",
        3: "80 ≤ score < 100",
        4: "score = 100",
    }
)

_HUNDRED = Fraction(100)
_EIGHTY = Fraction(80)
_FORTY = Fraction(40)


def _exact(score: object) -> Fraction:
    # bool is an int subclass but never a score; float and Decimal are refused on purpose.
    if isinstance(score, bool) or not isinstance(score, numbers.Rational):
        raise TypeError(f"score must be an exact Fraction or int, not {type(score).__name__}")
    return Fraction(score)


OFFICIAL_THRESHOLDS: tuple[Fraction, Fraction, Fraction] = (_FORTY, _EIGHTY, _HUNDRED)


def category_for_score(
    score: Fraction, thresholds: tuple[Fraction, Fraction, Fraction] = OFFICIAL_THRESHOLDS
) -> Category:
    """The category of a domain or overall score (0 to 100), by exact comparison.

    ``thresholds`` are the lowest scores of categories 2, 3 and 4 (officially 40, 80 and 100)."""
    value = _exact(score)
    if value < 0 or value > _HUNDRED:
        raise ScoringError(f"score {value} is outside 0 to 100")
    if value >= thresholds[2]:
        return CATEGORIES[3]
    if value >= thresholds[1]:
        return CATEGORIES[2]
    if value >= thresholds[0]:
        return CATEGORIES[1]
    return CATEGORIES[0]


# --------------------------------------------------------------------------------------------
# The methodology as a value
# --------------------------------------------------------------------------------------------

IMPUTE_ZERO = "zero"  # an unanswered item counts 0 (official)
IMPUTE_OMIT = "omit"  # an unanswered item is left out of its domain's mean
AGGREGATE_CATEGORIES: frozenset[int] = frozenset({3, 4})


class MethodologyError(ValueError):
    """A methodology value whose rules cannot score anything (e.g. thresholds out of order)."""


@dataclass(frozen=True)
class DomainRule:
    """One domain under a methodology: its items, the value of each option (0 to 1, exact) and
    its weight in the overall score."""

    number: int
    sdmx: str
    item_codes: tuple[str, ...]
    option_values: Mapping[str, Fraction]
    weight: Fraction = Fraction(1)

    @cached_property
    def scaled_values(self) -> tuple[int, Mapping[str, int]]:
        """A common denominator of the option values and each value times it (an integer), so a
        domain's sum is added in integers (officially 2: the twice-the-sum of the README)."""
        denominator = math.lcm(*(Fraction(v).denominator for v in self.option_values.values()))
        return denominator, MappingProxyType(
            {code: int(Fraction(v) * denominator) for code, v in self.option_values.items()}
        )


@dataclass(frozen=True)
class Methodology:
    """Every rule that turns answers into categories: the value of each option per domain, the
    imputation of unanswered items, the domains' weights, the category thresholds (lowest scores
    of categories 2, 3 and 4) and the categories the aggregates count. The official methodology is
    one such value (``OFFICIAL``); a variant is another, never official."""

    version: str
    domains: tuple[DomainRule, ...]
    thresholds: tuple[Fraction, Fraction, Fraction] = OFFICIAL_THRESHOLDS
    imputation: str = IMPUTE_ZERO
    aggregate_categories: frozenset[int] = AGGREGATE_CATEGORIES

    def __post_init__(self) -> None:
        low, mid, high = (Fraction(t) for t in self.thresholds)
        if not 0 < low < mid < high <= _HUNDRED:
            raise MethodologyError("thresholds must rise strictly within 0 to 100")
        if self.imputation not in (IMPUTE_ZERO, IMPUTE_OMIT):
            raise MethodologyError(f"unknown imputation rule {self.imputation!r}")
        if not self.aggregate_categories or not set(self.aggregate_categories) <= {1, 2, 3, 4}:
            raise MethodologyError("the aggregates must count some of the categories 1 to 4")
        seen: set[str] = set()
        for domain in self.domains:
            if not domain.item_codes or domain.weight <= 0:
                raise MethodologyError(f"domain {domain.number} needs items and a positive weight")
            if seen & set(domain.item_codes):
                raise MethodologyError("an item belongs to two domains")
            seen |= set(domain.item_codes)
            for code, value in domain.option_values.items():
                if isinstance(value, bool) or not isinstance(value, numbers.Rational):
                    raise MethodologyError(f"the value of {code!r} must be exact, not a float")
                if not 0 <= value <= 1:
                    raise MethodologyError(f"the value of {code!r} must be between 0 and 1")

    @cached_property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(code for domain in self.domains for code in domain.item_codes)

    @cached_property
    def rule_of_item(self) -> Mapping[str, DomainRule]:
        return MappingProxyType({code: rule for rule in self.domains for code in rule.item_codes})


OFFICIAL = Methodology(
    version=METHODOLOGY_VERSION,
    domains=tuple(
        DomainRule(
            number=spec.number,
            sdmx=spec.sdmx,
            item_codes=spec.item_codes,
            option_values=MappingProxyType(
                {code: Fraction(twice, 2) for code, twice in spec.option_values.items()}
            ),
        )
        for spec in DOMAINS
    ),
)


def methodology_as_data(methodology: Methodology) -> dict:
    """The methodology as plain JSON-ready data, every number an exact fraction string."""
    return {
        "version": methodology.version,
        "domains": [
            {
                "number": rule.number,
                "sdmx": rule.sdmx,
                "items": list(rule.item_codes),
                "values": {code: str(value) for code, value in rule.option_values.items()},
                "weight": str(rule.weight),
            }
            for rule in methodology.domains
        ],
        "imputation": methodology.imputation,
        "thresholds": [str(Fraction(t)) for t in methodology.thresholds],
        "aggregate_categories": sorted(methodology.aggregate_categories),
    }


def methodology_from_data(data: Mapping) -> Methodology:
    """The methodology ``methodology_as_data`` wrote; raises MethodologyError when malformed."""
    try:
        return Methodology(
            version=str(data["version"]),
            domains=tuple(
                DomainRule(
                    number=int(domain["number"]),
                    sdmx=str(domain["sdmx"]),
                    item_codes=tuple(domain["items"]),
                    option_values=MappingProxyType(
                        {code: Fraction(value) for code, value in domain["values"].items()}
                    ),
                    weight=Fraction(domain["weight"]),
                )
                for domain in data["domains"]
            ),
            imputation=data["imputation"],
            thresholds=tuple(Fraction(t) for t in data["thresholds"]),
            aggregate_categories=frozenset(int(c) for c in data["aggregate_categories"]),
        )
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
        if isinstance(error, MethodologyError):
            raise
        raise MethodologyError(f"malformed methodology data: {error}") from error


def counts_toward_indicator(category: Category | int, methodology: Methodology = OFFICIAL) -> bool:
    """Whether a country in ``category`` counts in the aggregates' share (officially: Meets or
    Fully meets)."""
    code = category.code if isinstance(category, Category) else category
    return code in methodology.aggregate_categories


def threshold_rule(category: Category | int) -> str:
    """The human-readable rule of a category, e.g. ``"40 ≤ score < 80"``."""
    code = category.code if isinstance(category, Category) else category
    try:
        return _RULES[code]
    except (KeyError, TypeError):
        raise ScoringError(f"unknown category {category!r}") from None


def score_display(score: Fraction, places: int = 1) -> str:
    """A score rounded half up to ``places`` decimals, for display only (never for categories)."""
    value = _exact(score)
    if places < 0:
        raise ValueError("places must be >= 0")
    scale = 10**places
    scaled = abs(value) * scale
    rounded = int(scaled + Fraction(1, 2))  # floor of a non-negative number: half up
    sign = "-" if value < 0 and rounded else ""
    whole, frac = divmod(rounded, scale)
    if places == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac:0{places}d}"


def _whole_or_str(value: int | Fraction) -> int | str:
    """Twice a sum of codes: an integer under the official codes, an exact string otherwise."""
    return value if isinstance(value, int) else _fraction_str(value)


def _fraction_str(value: Fraction) -> str:
    """Exact, parseable form: "235/3", or "100" for an integer."""
    return str(value)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DomainResult:
    number: int
    sdmx: str
    twice_sum: int | Fraction
    sum_of_codes: Fraction
    item_count: int
    score: Fraction
    category: Category
    imputed_items: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "sdmx": self.sdmx,
            "twice_sum": _whole_or_str(self.twice_sum),
            "sum_of_codes": _fraction_str(self.sum_of_codes),
            "item_count": self.item_count,
            "score": _fraction_str(self.score),
            "score_display": score_display(self.score),
            "category": {"code": self.category.code, "label": self.category.label},
            "imputed_items": list(self.imputed_items),
        }


@dataclass(frozen=True)
class OverallResult:
    twice_sum: int | Fraction
    sum_of_codes: Fraction
    item_count: int
    score: Fraction
    category: Category

    def as_dict(self) -> dict:
        return {
            "twice_sum": _whole_or_str(self.twice_sum),
            "sum_of_codes": _fraction_str(self.sum_of_codes),
            "item_count": self.item_count,
            "score": _fraction_str(self.score),
            "score_display": score_display(self.score),
            "category": {"code": self.category.code, "label": self.category.label},
        }


@dataclass(frozen=True)
class ScoreResult:
    methodology_version: str
    domains: tuple[DomainResult, ...]
    overall: OverallResult
    imputed_items: tuple[str, ...]
    answers: tuple[tuple[str, str | None], ...] = field(repr=False)

    def domain(self, number: int) -> DomainResult:
        for result in self.domains:
            if result.number == number:
                return result
        raise KeyError(f"no domain {number!r}: domains are numbered 1 to {len(self.domains)}")

    @property
    def has_imputed(self) -> bool:
        return bool(self.imputed_items)

    def as_dict(self) -> dict:
        """A JSON-serialisable dict. Scores are exact fraction strings ("235/3") with a
        ``score_display`` beside them; nothing is stored as a float."""
        return {
            "methodology_version": self.methodology_version,
            "overall": self.overall.as_dict(),
            "domains": [d.as_dict() for d in self.domains],
            "imputed_items": list(self.imputed_items),
            "answers": {code: value for code, value in self.answers},
        }


# --------------------------------------------------------------------------------------------
# Computation
# --------------------------------------------------------------------------------------------


def normalise_answers(
    answers: Mapping[str, str | None], methodology: Methodology = OFFICIAL
) -> tuple[tuple[str, str | None], ...]:
    """Validate ``answers`` and return every (item code, option code or None) pair in instrument
    order. Raises UnknownItemError / UnknownOptionError; ignores nothing."""
    if not isinstance(answers, Mapping):
        raise TypeError(f"answers must be a mapping, not {type(answers).__name__}")
    rules = methodology.rule_of_item
    for code in answers:
        if not isinstance(code, str) or code not in rules:
            raise UnknownItemError(code)
    normalised: list[tuple[str, str | None]] = []
    for code in methodology.item_codes:
        value = answers.get(code)
        if value is not None:
            options = rules[code].option_values
            if not isinstance(value, str) or value not in options:
                raise UnknownOptionError(code, value, tuple(options))
        normalised.append((code, value))
    return tuple(normalised)


def _whole_if_possible(value: Fraction) -> int | Fraction:
    return value.numerator if value.denominator == 1 else value


def compute_score(
    answers: Mapping[str, str | None], methodology: Methodology = OFFICIAL
) -> ScoreResult:
    """Score one response under ``methodology`` (the official one unless told): keys are item
    codes, values option codes, or None / absent for unanswered.

    A domain's score is the mean of its items' values x 100: an unanswered item counts 0, or is
    left out of the mean when the methodology omits it (a domain with no answered item then
    scores 0). The overall score is the weighted mean of the domain scores; under the official
    rules (equal weights, five items each, unanswered counting 0) that is the mean of all 30
    codes x 100."""
    normalised = normalise_answers(answers, methodology)
    by_code = dict(normalised)
    counts_unanswered = methodology.imputation == IMPUTE_ZERO

    domain_results: list[DomainResult] = []
    for rule in methodology.domains:
        denominator, scaled = rule.scaled_values
        scaled_sum = 0
        counted = 0
        imputed: list[str] = []
        for code in rule.item_codes:
            value = by_code[code]
            if value is None:
                imputed.append(code)
                counted += counts_unanswered
            else:
                scaled_sum += scaled[value]
                counted += 1
        score = Fraction(scaled_sum * 100, denominator * counted) if counted else Fraction(0)
        twice, remainder = divmod(scaled_sum * 2, denominator)
        domain_results.append(
            DomainResult(
                number=rule.number,
                sdmx=rule.sdmx,
                twice_sum=twice if remainder == 0 else Fraction(scaled_sum * 2, denominator),
                sum_of_codes=Fraction(scaled_sum, denominator),
                item_count=counted,
                score=score,
                category=category_for_score(score, methodology.thresholds),
                imputed_items=tuple(imputed),
            )
        )

    weights = sum(rule.weight for rule in methodology.domains)
    overall_score = (
        sum(
            (
                rule.weight * result.score
                for rule, result in zip(methodology.domains, domain_results, strict=True)
            ),
            Fraction(0),
        )
        / weights
    )
    total_sum = sum((d.sum_of_codes for d in domain_results), Fraction(0))
    overall = OverallResult(
        twice_sum=_whole_if_possible(total_sum * 2),
        sum_of_codes=total_sum,
        item_count=sum(d.item_count for d in domain_results),
        score=overall_score,
        category=category_for_score(overall_score, methodology.thresholds),
    )
    return ScoreResult(
        methodology_version=methodology.version,
        domains=tuple(domain_results),
        overall=overall,
        imputed_items=tuple(code for code, value in normalised if value is None),
        answers=normalised,
    )


def answers_fingerprint(answers: Mapping[str, str | None]) -> str:
    """SHA-256 hex digest of the canonical form of the normalised answers: a compact JSON array
    of the 30 [item code, option code or null] pairs in instrument order. An absent item and an
    item mapped to None give the same fingerprint. Validates like :func:`compute_score`."""
    normalised = normalise_answers(answers)
    canonical = json.dumps(
        [[code, value] for code, value in normalised],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()
