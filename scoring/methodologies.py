"""The official methodology of a questionnaire version, read from the version itself.

The engine holds the rules (imputation, weights, thresholds, aggregate rule); the instrument (which
items each domain has, their options' codes and values, the domains' SDMX codes) comes from the
questionnaire version as stored, so it is encoded once.
"""

from fractions import Fraction
from functools import lru_cache
from types import MappingProxyType

from django.utils.translation import gettext as _

from questionnaire.instrument_cache import version_items
from scoring import engine


def official_methodology(version) -> engine.Methodology:
    """The official rules applied to the version's domains, items and option values."""
    return _methodology_of(version_items(version))


@lru_cache(maxsize=16)
def _methodology_of(items: tuple) -> engine.Methodology:
    by_domain: dict[int, list] = {}
    for item in items:
        by_domain.setdefault(item.domain.number, []).append(item)
    rules = []
    for number in sorted(by_domain):
        domain_items = by_domain[number]
        values = _values(domain_items[0])
        if any(_values(item) != values for item in domain_items[1:]):
            raise engine.MethodologyError(
                _("The items of domain %(number)s do not share their answers' values.")
                % {"number": number}
            )
        rules.append(
            engine.DomainRule(
                number=number,
                sdmx=domain_items[0].domain.sdmx_code,
                item_codes=tuple(item.code for item in domain_items),
                option_values=MappingProxyType(values),
            )
        )
    return engine.Methodology(version=engine.METHODOLOGY_VERSION, domains=tuple(rules))


def _values(item) -> dict[str, Fraction]:
    return {option.code: Fraction(option.value) for option in item.options}
