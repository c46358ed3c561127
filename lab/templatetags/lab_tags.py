from django import template

from scoring import engine
from scoring.models.choices import Category

register = template.Library()


@register.filter
def category(code) -> str:
    """The label of a category code (1-4) in the active language."""
    try:
        return str(Category(int(code)).label)
    except (TypeError, ValueError):
        return "—"


@register.filter
def score(value) -> str:
    """An exact score rounded to one decimal, for display."""
    return "—" if value is None else engine.score_display(value, 1)


@register.filter
def index(sequence, position):
    return sequence[position]
