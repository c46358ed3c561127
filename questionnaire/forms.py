"""What the questionnaire form sends, read and checked field by field.

Each field is checked on its own with Django's form fields (made once per process: they hold no
state), so a draft save keeps every valid field even when another field of the same item is wrong,
and no form object is built per item and request.
"""

import datetime
from dataclasses import dataclass, field
from functools import lru_cache

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .services.answers import ANSWER_FIELDS, GENERAL_COMMENT, FieldKey

EARLIEST_POLICY_YEAR = 1800

# The most characters each text field keeps; the page shows a live count against them.
LIMITS = {
    "policy_name": 500,
    "link": 1000,
    "citation": 1000,
    "comment": 2000,
    "general_comment": 5000,
}

LABELS = {
    "option_code": gettext_lazy("Answer"),
    "policy_name": gettext_lazy("Law, policy or strategy"),
    "policy_year": gettext_lazy("Year"),
    "link": gettext_lazy("Link"),
    "citation": gettext_lazy("Citation"),
    "comment": gettext_lazy("Comment"),
    "general_comment": gettext_lazy("General comment"),
}

_TEXT_FIELDS = {
    name: forms.CharField(max_length=LIMITS[name], required=False)
    for name in ("policy_name", "citation", "comment", "general_comment")
}


class WebLinkField(forms.URLField):
    """A web address: http or https only (no javascript:, data: or ftp: links)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


_LINK_FIELD = WebLinkField(max_length=LIMITS["link"], required=False, assume_scheme="https")


def latest_policy_year() -> int:
    return datetime.date.today().year + 1


@lru_cache(maxsize=4)
def _year_field(latest: int) -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=EARLIEST_POLICY_YEAR, max_value=latest)


def input_name(key: FieldKey) -> str:
    """The name of a field in the form: ``1a-link``, or ``general_comment``."""
    code, name = key
    return f"{code}-{name}" if code else name


def key_of(name: str) -> FieldKey | None:
    if name == GENERAL_COMMENT[1]:
        return GENERAL_COMMENT
    code, _sep, field_name = name.partition("-")
    return (code, field_name) if field_name in ANSWER_FIELDS else None


def clean_value(key: FieldKey, raw: str, *, options: frozenset[str] = frozenset()):
    """The value to store for what was typed in one field; raises ValidationError when it is wrong."""
    name = key[1]
    if name == "option_code":
        if raw and raw not in options:
            raise ValidationError(_("Choose one of the answers offered."))
        return raw
    if name == "policy_year":
        return _year_field(latest_policy_year()).clean(raw)
    if name == "link":
        return _LINK_FIELD.clean(raw)
    return _TEXT_FIELDS[name].clean(raw)


@dataclass
class PostedQuestionnaire:
    """The fields a form held: valid ones cleaned, wrong ones kept as typed with their message."""

    entries: dict[FieldKey, object] = field(default_factory=dict)
    typed: dict[FieldKey, str] = field(default_factory=dict)
    errors: dict[FieldKey, str] = field(default_factory=dict)
    keep_theirs: set[FieldKey] = field(default_factory=set)
    base_revision: int | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors and self.base_revision is not None


def read_posted(items, post) -> PostedQuestionnaire:
    """Reads every item the form held (an item is held when its text fields were sent)."""
    posted = PostedQuestionnaire()
    try:
        posted.base_revision = int(post.get("revision", ""))
    except ValueError:
        posted.base_revision = None
    for item in items:
        if f"{item.code}-policy_name" not in post:
            continue
        options = frozenset(o.code for o in item.options)
        for name in ANSWER_FIELDS:
            # An unchecked radio group sends nothing: no answer.
            _read_field(posted, (item.code, name), post.get(f"{item.code}-{name}", ""), options)
    if GENERAL_COMMENT[1] in post:
        _read_field(posted, GENERAL_COMMENT, post[GENERAL_COMMENT[1]], frozenset())
    for name in post.getlist("conflicted"):
        key = key_of(name)
        if key is None or key not in posted.typed:
            continue
        choice = post.get(f"resolve:{name}", "")
        if choice == "theirs":
            posted.keep_theirs.add(key)
        elif choice != "mine" and key not in posted.errors:
            posted.errors[key] = _("Choose which value to keep.")
            posted.entries.pop(key, None)
    return posted


def _read_field(posted: PostedQuestionnaire, key: FieldKey, raw: str, options) -> None:
    posted.typed[key] = raw
    try:
        posted.entries[key] = clean_value(key, raw, options=options)
    except ValidationError as error:
        posted.errors[key] = " ".join(error.messages)
