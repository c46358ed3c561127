"""Numbers and percentages written the way the active language writes them.

``{{ share|percent:1 }}`` gives 62.3% in English, 62,3 % in French (narrow no-break space) and
62,3 % in Spanish (no-break space); ``{{ "62.3"|number }}`` gives 62.3 or 62,3. Rounding is half up
on the exact value (the engine's display rule), then Django's ``number_format`` writes the result
with the language's decimal separator.
"""

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django import template
from django.utils.formats import get_format_modules, number_format
from django.utils.translation import get_language

from scoring.engine import score_display

register = template.Library()

MISSING = "—"


def percent_sign(language: str | None = None) -> str:
    """The sign and the space before it, from the language's module in policyindex/formats/."""
    for module in get_format_modules(language or get_language()):
        sign = getattr(module, "PERCENT_SIGN", None)
        if sign is not None:
            return sign
    return "%"


def _exact(value) -> Fraction | None:
    if value is None or value == "":
        return None
    if isinstance(value, Fraction | int) and not isinstance(value, bool):
        return Fraction(value)
    try:
        return Fraction(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def localized_number(value, places: int | None = None) -> str:
    """A number rounded half up to ``places`` decimals, with the language's decimal separator.

    Without ``places``, a string keeps the decimals it was written with ("23.5" stays 23,5)."""
    exact = _exact(value)
    if exact is None:
        return MISSING
    if places is None:
        places = max(0, -Decimal(str(value)).as_tuple().exponent) if isinstance(value, str) else 0
    rounded = Decimal(score_display(exact, places))
    return number_format(rounded, decimal_pos=places)


@register.filter
def number(value, places=None):
    """``{{ record.sum_display|number }}``, ``{{ exact_score|number:1 }}``."""
    return localized_number(value, None if places in (None, "") else int(places))


@register.filter
def percent(share, places=1):
    """A share (0 to 1) as a percentage: ``{{ share|percent:1 }}``; no share gives a dash."""
    exact = _exact(share)
    if exact is None:
        return MISSING
    return localized_number(exact * 100, int(places)) + percent_sign()
