"""Rules as rows for pages and the workbook: each domain's options with their labels in the active
language, next to the official values, with what differs marked."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import get_format
from django.utils.translation import gettext as _

from questionnaire.instrument_cache import version_items
from questionnaire.models import QuestionnaireVersion
from scoring import engine
from scoring.models.choices import Category

from .rules import decimal_str, differences, official_rules, parse_exact


@dataclass(frozen=True)
class Labels:
    domains: dict[int, str]
    options: dict[int, dict[str, str]]


def instrument_labels() -> Labels:
    """Domain names and option labels (active language) of the newest questionnaire version; the
    codes themselves when there is none."""
    version = QuestionnaireVersion.objects.order_by("-created_at", "-pk").first()
    domains: dict[int, str] = {}
    options: dict[int, dict[str, str]] = {}
    if version is not None:
        for item in version_items(version):
            number = item.domain.number
            domains.setdefault(number, item.domain.display_name)
            labels = options.setdefault(number, {})
            for option in item.options:
                labels.setdefault(option.code, option.display_label)
    for rule in engine.OFFICIAL.domains:
        domains.setdefault(rule.number, _("Domain %(number)s") % {"number": rule.number})
        labels = options.setdefault(rule.number, {})
        for code in rule.option_values:
            labels.setdefault(code, code)
    return Labels(domains=domains, options=options)


def imputation_label(code: str) -> str:
    return {
        engine.IMPUTE_ZERO: _("An unanswered item counts 0"),
        engine.IMPUTE_OMIT: _("An unanswered item is left out of its domain's mean"),
    }.get(code, code)


def category_label(code: int) -> str:
    return str(Category(code).label)


def aggregate_label(codes) -> str:
    return ", ".join(category_label(c) for c in sorted(codes))


def shown_number(value) -> str:
    """A rule's number as the page's language writes it ("0,5" in French and Spanish)."""
    return decimal_str(value).replace(".", get_format("DECIMAL_SEPARATOR"))


def rule_rows(rules: dict, labels: Labels, *, reference: dict | None = None) -> list[dict]:
    """One row per rule: what it is, the official value, this rules' value and whether it
    differs. Values are shown as a person would type them ("0.5", "1/3")."""
    official = official_rules()
    changed = differences(rules, reference or official)
    rows = []
    for number_text, options in official["values"].items():
        number = int(number_text)
        domain = labels.domains[number]
        for code, value in options.items():
            rows.append(
                {
                    "group": _("Option values"),
                    "label": f"{number}. {domain}: {labels.options[number][code]}",
                    "official": shown_number(parse_exact(value)),
                    "value": shown_number(parse_exact(rules["values"][number_text][code])),
                    "changed": f"value:{number}:{code}" in changed,
                }
            )
    for number_text, weight in official["weights"].items():
        number = int(number_text)
        rows.append(
            {
                "group": _("Domain weights"),
                "label": f"{number}. {labels.domains[number]}",
                "official": shown_number(parse_exact(weight)),
                "value": shown_number(parse_exact(rules["weights"][number_text])),
                "changed": f"weight:{number}" in changed,
            }
        )
    for index, threshold in enumerate(official["thresholds"]):
        rows.append(
            {
                "group": _("Thresholds (lowest score of the category)"),
                "label": category_label(index + 2),
                "official": shown_number(parse_exact(threshold)),
                "value": shown_number(parse_exact(rules["thresholds"][index])),
                "changed": f"threshold:{index}" in changed,
            }
        )
    rows.append(
        {
            "group": _("Unanswered items"),
            "label": _("Imputation"),
            "official": imputation_label(official["imputation"]),
            "value": imputation_label(rules["imputation"]),
            "changed": "imputation" in changed,
        }
    )
    rows.append(
        {
            "group": _("Aggregates"),
            "label": _("Categories counted in the share"),
            "official": aggregate_label(official["aggregate"]),
            "value": aggregate_label(rules["aggregate"]),
            "changed": "aggregate" in changed,
        }
    )
    return rows
