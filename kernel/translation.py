"""Labels kept in English (the official wording) with French and Spanish columns beside them.

A model field ``text`` may have siblings ``text_fr`` and ``text_es``; any missing translation falls
back to the English text, so a page is never blank for want of a translation.
"""

from django.utils.translation import get_language

TRANSLATED_LANGUAGES = ("fr", "es")


def current_language() -> str:
    return (get_language() or "en").split("-")[0]


def translated(obj, field: str, language: str | None = None) -> str:
    language = language or current_language()
    if language in TRANSLATED_LANGUAGES:
        value = getattr(obj, f"{field}_{language}", "")
        if value:
            return value
    return getattr(obj, field)
