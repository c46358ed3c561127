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
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

# Identifies the rules encoded below: indicator / date of the UN SDG metadata / revision of this
# engine. ANY change to the rules (codes, imputation, score formulas, thresholds, the instrument's
# structure) MUST change this string, so that stored scores can be traced to the rules that
# produced them and recomputed when the rules change.
METHODOLOGY_VERSION: str = "10.7.2/2021-03-01/1"

__all__ = [
    "CATEGORIES",
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


_R3 = MappingProxyType({"yes_all": 2, "yes_legal": 1, "no": 0})
_R2 = MappingProxyType({"yes": 2, "no": 0})

DOMAINS: tuple[DomainSpec, ...] = tuple(
    DomainSpec(
        number=n,
        sdmx=f"PD_{n}",
        item_codes=tuple(f"{n}{letter}" for letter in "abcde"),
        option_values=_R3 if n == 1 else _R2,
    )
    for n in range(1, 7)
)

ITEM_CODES: tuple[str, ...] = tuple(code for d in DOMAINS for code in d.item_codes)

_DOMAIN_OF_ITEM: Mapping[str, DomainSpec] = MappingProxyType(
    {code: d for d in DOMAINS for code in d.item_codes}
)


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


def category_for_score(score: Fraction) -> Category:
    """The category of a domain or overall score (0 to 100), by exact comparison."""
    value = _exact(score)
    if value < 0 or value > _HUNDRED:
        raise ScoringError(f"score {value} is outside 0 to 100")
    if value == _HUNDRED:
        return CATEGORIES[3]
    if value >= _EIGHTY:
        return CATEGORIES[2]
    if value >= _FORTY:
        return CATEGORIES[1]
    return CATEGORIES[0]


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
    twice_sum: int
    sum_of_codes: Fraction
    item_count: int
    score: Fraction
    category: Category
    imputed_items: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "sdmx": self.sdmx,
            "twice_sum": self.twice_sum,
            "sum_of_codes": _fraction_str(self.sum_of_codes),
            "item_count": self.item_count,
            "score": _fraction_str(self.score),
            "score_display": score_display(self.score),
            "category": {"code": self.category.code, "label": self.category.label},
            "imputed_items": list(self.imputed_items),
        }


@dataclass(frozen=True)
class OverallResult:
    twice_sum: int
    sum_of_codes: Fraction
    item_count: int
    score: Fraction
    category: Category

    def as_dict(self) -> dict:
        return {
            "twice_sum": self.twice_sum,
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


def normalise_answers(answers: Mapping[str, str | None]) -> tuple[tuple[str, str | None], ...]:
    """Validate ``answers`` and return all 30 (item code, option code or None) pairs in
    instrument order. Raises UnknownItemError / UnknownOptionError; ignores nothing."""
    if not isinstance(answers, Mapping):
        raise TypeError(f"answers must be a mapping, not {type(answers).__name__}")
    for code in answers:
        if not isinstance(code, str) or code not in _DOMAIN_OF_ITEM:
            raise UnknownItemError(code)
    normalised: list[tuple[str, str | None]] = []
    for code in ITEM_CODES:
        value = answers.get(code)
        if value is not None:
            options = _DOMAIN_OF_ITEM[code].option_values
            if not isinstance(value, str) or value not in options:
                raise UnknownOptionError(code, value, tuple(options))
        normalised.append((code, value))
    return tuple(normalised)


def compute_score(answers: Mapping[str, str | None]) -> ScoreResult:
    """Score one response: keys are item codes "1a".."6e", values option codes, or None /
    absent for unanswered (imputed as 0)."""
    normalised = normalise_answers(answers)
    by_code = dict(normalised)

    domain_results: list[DomainResult] = []
    for spec in DOMAINS:
        twice_sum = 0
        imputed: list[str] = []
        for code in spec.item_codes:
            value = by_code[code]
            if value is None:
                imputed.append(code)  # counts 0
            else:
                twice_sum += spec.option_values[value]
        item_count = len(spec.item_codes)
        # score = (twice_sum / 2) / item_count * 100
        score = Fraction(twice_sum * 100, 2 * item_count)
        domain_results.append(
            DomainResult(
                number=spec.number,
                sdmx=spec.sdmx,
                twice_sum=twice_sum,
                sum_of_codes=Fraction(twice_sum, 2),
                item_count=item_count,
                score=score,
                category=category_for_score(score),
                imputed_items=tuple(imputed),
            )
        )

    total_twice = sum(d.twice_sum for d in domain_results)
    total_items = sum(d.item_count for d in domain_results)
    overall_score = Fraction(total_twice * 100, 2 * total_items)
    overall = OverallResult(
        twice_sum=total_twice,
        sum_of_codes=Fraction(total_twice, 2),
        item_count=total_items,
        score=overall_score,
        category=category_for_score(overall_score),
    )
    return ScoreResult(
        methodology_version=METHODOLOGY_VERSION,
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
