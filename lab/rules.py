"""The rules of a methodology as data (JSON), and back.

A rules dict holds, every number an exact fraction string ("1/2", "0.5", "80"):

- ``values``: domain number ("1".."6") to option code to the option's value (0 to 1);
- ``imputation``: "zero" (an unanswered item counts 0) or "omit" (left out of its domain's mean);
- ``weights``: domain number to the domain's weight in the overall score (> 0);
- ``thresholds``: the lowest scores of categories 2, 3 and 4, rising;
- ``aggregate``: the categories the aggregates' share counts (officially [3, 4]).

``official_rules()`` is the official methodology in that form; ``methodology_of`` turns a variant
(or a rules dict) into an ``engine.Methodology``; ``rules_problems`` says, in the user's language,
what is wrong with a rules dict.
"""

from __future__ import annotations

import re
from fractions import Fraction
from types import MappingProxyType

from django.utils.translation import gettext as _

from scoring import engine

CATEGORY_CODES = (1, 2, 3, 4)
# An exact number as a person types it: "1", "0.5", "0,5" or "1/2". No exponent, no float noise:
# at most six decimals, numerator and denominator of at most six digits.
_EXACT = re.compile(r"^\s*(\d{1,6})(?:[.,](\d{1,6}))?\s*$|^\s*(\d{1,6})\s*/\s*(\d{1,6})\s*$")


class RulesError(ValueError):
    """A rules dict that does not describe a methodology; ``messages`` say why, translated."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))


def parse_exact(text: object) -> Fraction:
    """An exact number from text ("0.5", "0,5", "1/2", "80"); ValueError otherwise. Floats are
    refused: they are not exact."""
    if isinstance(text, Fraction):
        return text
    if isinstance(text, int) and not isinstance(text, bool):
        return Fraction(text)
    if not isinstance(text, str):
        raise ValueError(text)
    match = _EXACT.match(text)
    if not match:
        raise ValueError(text)
    whole, decimals, numerator, denominator = match.groups()
    if numerator is not None:
        if int(denominator) == 0:
            raise ValueError(text)
        return Fraction(int(numerator), int(denominator))
    return Fraction(f"{whole}.{decimals}" if decimals else whole)


def exact_str(value: Fraction) -> str:
    """The exact string of a number: "1/2", "80"."""
    return str(Fraction(value))


def decimal_str(value: Fraction, places: int = 6) -> str:
    """A number as a person would type it: "0.5" when it is a short decimal, else "1/3"."""
    value = Fraction(value)
    for p in range(places + 1):
        scaled = value * 10**p
        if scaled.denominator == 1:
            if p == 0:
                return str(scaled.numerator)
            digits = str(scaled.numerator).rjust(p + 1, "0")
            return f"{digits[:-p]}.{digits[-p:]}"
    return exact_str(value)


def official_rules() -> dict:
    """The official methodology (``engine.OFFICIAL``) as a rules dict."""
    return rules_of(engine.OFFICIAL)


def rules_of(methodology: engine.Methodology) -> dict:
    return {
        "values": {
            str(rule.number): {code: exact_str(v) for code, v in rule.option_values.items()}
            for rule in methodology.domains
        },
        "imputation": methodology.imputation,
        "weights": {str(rule.number): exact_str(rule.weight) for rule in methodology.domains},
        "thresholds": [exact_str(t) for t in methodology.thresholds],
        "aggregate": sorted(methodology.aggregate_categories),
    }


def rules_problems(rules: object) -> list[str]:
    """What is wrong with a rules dict, in the user's language; empty when it is a methodology."""
    if not isinstance(rules, dict):
        return [_("The rules are not readable.")]
    problems: list[str] = []
    values = rules.get("values") if isinstance(rules.get("values"), dict) else {}
    weights = rules.get("weights") if isinstance(rules.get("weights"), dict) else {}
    for official in engine.OFFICIAL.domains:
        number = str(official.number)
        given = values.get(number) if isinstance(values.get(number), dict) else {}
        for code in official.option_values:
            try:
                value = parse_exact(given.get(code))
            except ValueError:
                problems.append(
                    _("Domain %(domain)s, option “%(option)s”: give an exact number.")
                    % {"domain": number, "option": code}
                )
                continue
            if not 0 <= value <= 1:
                problems.append(
                    _("Domain %(domain)s, option “%(option)s”: a value lies between 0 and 1.")
                    % {"domain": number, "option": code}
                )
        if set(given) - set(official.option_values):
            problems.append(
                _("Domain %(domain)s has options the questionnaire does not.") % {"domain": number}
            )
        try:
            weight = parse_exact(weights.get(number))
        except ValueError:
            problems.append(
                _("Domain %(domain)s: give its weight as an exact number.") % {"domain": number}
            )
        else:
            if weight <= 0:
                problems.append(
                    _("Domain %(domain)s: a weight is greater than 0.") % {"domain": number}
                )
    if rules.get("imputation") not in (engine.IMPUTE_ZERO, engine.IMPUTE_OMIT):
        problems.append(_("Choose how unanswered items count."))
    thresholds = rules.get("thresholds")
    try:
        low, mid, high = (parse_exact(t) for t in thresholds)
    except (TypeError, ValueError):
        problems.append(_("Give the three thresholds as exact numbers."))
    else:
        if not 0 < low < mid < high <= 100:
            problems.append(
                _(
                    "The thresholds must rise: Partially meets from above 0, below Meets, "
                    "below Fully meets, at most 100."
                )
            )
    aggregate = rules.get("aggregate")
    if (
        not isinstance(aggregate, list)
        or not aggregate
        or not all(type(c) is int and c in CATEGORY_CODES for c in aggregate)
    ):
        problems.append(_("Choose at least one category that the aggregates count."))
    return problems


def methodology_of(source, *, version: str | None = None) -> engine.Methodology:
    """The engine's methodology for a variant (version "variant:<pk>") or a valid rules dict
    (version "variant" unless told). RulesError when the rules are not valid."""
    rules = getattr(source, "rules", source)
    if version is None:
        pk = getattr(source, "pk", None)
        version = f"variant:{pk}" if pk is not None else "variant"
    problems = rules_problems(rules)
    if problems:
        raise RulesError(problems)
    domains = tuple(
        engine.DomainRule(
            number=official.number,
            sdmx=official.sdmx,
            item_codes=official.item_codes,
            option_values=MappingProxyType(
                {
                    code: parse_exact(rules["values"][str(official.number)][code])
                    for code in official.option_values
                }
            ),
            weight=parse_exact(rules["weights"][str(official.number)]),
        )
        for official in engine.OFFICIAL.domains
    )
    return engine.Methodology(
        version=version,
        domains=domains,
        thresholds=tuple(parse_exact(t) for t in rules["thresholds"]),
        imputation=rules["imputation"],
        aggregate_categories=frozenset(rules["aggregate"]),
    )


def without_item(methodology: engine.Methodology, item_code: str) -> engine.Methodology:
    """The methodology with one item left out of its domain (for the robustness runs)."""
    domains = tuple(
        engine.DomainRule(
            number=rule.number,
            sdmx=rule.sdmx,
            item_codes=tuple(c for c in rule.item_codes if c != item_code),
            option_values=rule.option_values,
            weight=rule.weight,
        )
        for rule in methodology.domains
    )
    return engine.Methodology(
        version=f"{methodology.version}-without-{item_code}",
        domains=domains,
        thresholds=methodology.thresholds,
        imputation=methodology.imputation,
        aggregate_categories=methodology.aggregate_categories,
    )


def differences(rules: dict, reference: dict | None = None) -> set[str]:
    """The keys of the rules that differ from ``reference`` (the official rules unless told):
    "value:<domain>:<option>", "weight:<domain>", "threshold:<index>", "imputation", "aggregate"."""
    reference = reference or official_rules()
    changed: set[str] = set()
    for number, options in reference["values"].items():
        for code, value in options.items():
            if parse_exact(rules["values"][number][code]) != parse_exact(value):
                changed.add(f"value:{number}:{code}")
        if parse_exact(rules["weights"][number]) != parse_exact(reference["weights"][number]):
            changed.add(f"weight:{number}")
    for index, value in enumerate(reference["thresholds"]):
        if parse_exact(rules["thresholds"][index]) != parse_exact(value):
            changed.add(f"threshold:{index}")
    if rules["imputation"] != reference["imputation"]:
        changed.add("imputation")
    if sorted(rules["aggregate"]) != sorted(reference["aggregate"]):
        changed.add("aggregate")
    return changed
