"""The items of a questionnaire version with their domain and options, kept in memory.

Every questionnaire page and every save needs the whole instrument. A version used by a round is
frozen (its official wording and codes cannot change), so it is read once per process and kept for
a few minutes. Saving any part of an instrument empties this process's copy at once; other app
servers pick up a corrected translation when their copy expires.
"""

import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation
from django.utils.text import Truncator

from .models import Domain, Item, QuestionnaireVersion, ResponseOption, ResponseSet

KEEP_SECONDS = 300

_lock = threading.Lock()
_versions: dict[tuple, tuple[float, tuple]] = {}


def _load(version) -> tuple:
    options: dict[int, list] = {}
    for option in ResponseOption.objects.filter(response_set__version=version).order_by(
        "response_set_id", "order"
    ):
        options.setdefault(option.response_set_id, []).append(option)
    items = list(version.items.select_related("domain").order_by("order"))
    for item in items:
        item.options = tuple(options.get(item.response_set_id, ()))
    return tuple(items)


def _key(version) -> tuple:
    # created_at tells a version apart from another one that reused its primary key.
    return (version.pk, version.created_at)


def version_items(version) -> tuple:
    """The version's items in order, each with ``.domain`` and ``.options``; shared, read-only."""
    key = _key(version)
    now = time.monotonic()
    with _lock:
        cached = _versions.get(key)
    if cached and cached[0] > now:
        return cached[1]
    items = _load(version)
    with _lock:
        _versions[key] = (now + KEEP_SECONDS, items)
    return items


def clear() -> None:
    with _lock:
        _versions.clear()
    item_texts.cache_clear()


@receiver(post_save)
@receiver(post_delete)
def _instrument_changed(sender, **kwargs):
    if sender in (QuestionnaireVersion, Domain, Item, ResponseSet, ResponseOption):
        clear()


@dataclass(frozen=True)
class ItemTexts:
    """An item's words in one language: its text, its short name and its answers' labels."""

    text: str
    name: str
    labels: dict[str, str]


@lru_cache(maxsize=32)
def item_texts(items: tuple, loaded_until: float, language: str) -> dict[str, ItemTexts]:
    """Every item's words in ``language``, worked out once per loaded copy of the version."""
    with translation.override(language):
        return {
            item.code: ItemTexts(
                text=item.display_text,
                name=f"{item.code}. {Truncator(item.display_text).words(8)}",
                labels={o.code: o.display_label for o in item.options},
            )
            for item in items
        }


def version_texts(version) -> dict[str, ItemTexts]:
    """The words of the version's items in the active language (see ``item_texts``)."""
    items = version_items(version)
    with _lock:
        loaded_until = _versions[_key(version)][0]
    return item_texts(items, loaded_until, translation.get_language() or "en")


def label_among_options(item, code: str) -> str:
    """The label of ``code`` among a cached item's ``options`` ("" when blank or not offered)."""
    return next((o.display_label for o in item.options if code and o.code == code), "")


def option_label(item, code: str) -> str:
    """The label of an answer of any item row, in the current language ("" when blank)."""
    for cached in version_items(item.version):
        if cached.pk == item.pk:
            return label_among_options(cached, code)
    return ""
