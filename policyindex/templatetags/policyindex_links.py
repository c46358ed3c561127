"""Links typed by users: shown as links only when they are web addresses."""

from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html

register = template.Library()


def is_web_link(value: str) -> bool:
    try:
        parts = urlsplit((value or "").strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


@register.filter
def safe_link(value):
    """An <a> for an http or https address; anything else (javascript:, data:...) as plain text."""
    if is_web_link(value):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', value.strip(), value)
    return value
