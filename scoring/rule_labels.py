"""The engine's threshold rules ("40 ≤ score < 80") in the language of the page.

The engine imports nothing from Django, so its rules are English; pages show these translations,
whose English text is the engine's (a test keeps the two equal).
"""

from django.utils.translation import gettext_lazy as _

RULE_LABELS = {
    1: _("score < 40"),
    2: _("40 ≤ score < 80"),
    3: _("80 ≤ score < 100"),
    4: _("score = 100"),
}


def threshold_rule_label(category: int) -> str:
    return str(RULE_LABELS[int(category)])
