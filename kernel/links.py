"""Links typed by users: shown as links only when they are web addresses (http or https).

Forms check links when they are typed, but a value can reach the database by another path (an
import, the shell, an older version): every place that shows one decides again, so a stored
``javascript:`` or ``data:`` address is shown as text and never becomes something to click.
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

# Browsers ignore leading and trailing spaces and control characters and drop tabs and newlines
# inside an address ("java\tscript:"): only a whole address of visible characters is accepted.
WEB_ADDRESS = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)


def is_web_address(value) -> bool:
    return isinstance(value, str) and WEB_ADDRESS.fullmatch(value) is not None


def link_or_text(value) -> SafeString:
    """An <a> to ``value`` if it is an http(s) address, otherwise the value as escaped text."""
    if value is None:
        return SafeString("")
    if is_web_address(value):
        return format_html('<a href="{0}" rel="noopener noreferrer">{0}</a>', value)
    return SafeString(escape(str(value)))
