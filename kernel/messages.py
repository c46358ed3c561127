"""Messages confirming an action, translated when they are shown rather than when they are added.

Django stores a message as text at the end of the request that added it, so a message added
before a language switch ("Draft saved.", then the redirect in the new language) would be shown in
the old language. Here a lazily translated message (``gettext_lazy``, ``pgettext_lazy``,
``ngettext_lazy`` with its number) is stored as its msgid and parameters, and translated in the
language of the page that shows it. Plain strings are stored and shown as they are.

    from django.contrib import messages
    from django.utils.translation import gettext_lazy

    from kernel.messages import translate_when_shown

    messages.success(request, gettext_lazy("Draft saved."))
    messages.error(
        request,
        translate_when_shown(gettext_lazy("Nothing was saved. %(reason)s"), reason=reason),
    )

Parameters are numbers, strings or lazily translated strings (translated when shown, too).
Settings: ``MESSAGE_STORAGE = "kernel.messages.TranslatedWhenShownStorage"``.
"""

import json
from dataclasses import dataclass, field

from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils import translation
from django.utils.functional import Promise

# Starts the stored text of a message to translate when shown; a control character no message has.
MARKER = "\x1etranslate-when-shown:"


@dataclass(frozen=True)
class TranslatedWhenShown:
    """A msgid and its parameters; ``str()`` translates it into the active language."""

    msgid: str
    params: dict = field(default_factory=dict)
    context: str | None = None
    plural: str | None = None
    number: int | None = None

    def __str__(self) -> str:
        if self.plural is not None and self.context is not None:
            text = translation.npgettext(self.context, self.msgid, self.plural, self.number)
        elif self.plural is not None:
            text = translation.ngettext(self.msgid, self.plural, self.number)
        elif self.context is not None:
            text = translation.pgettext(self.context, self.msgid)
        else:
            text = translation.gettext(self.msgid)
        if not self.params:
            return text
        return text % {name: str(value) for name, value in self.params.items()}

    def as_data(self) -> dict:
        return {
            "msgid": self.msgid,
            "params": {name: _param_data(value) for name, value in self.params.items()},
            "context": self.context,
            "plural": self.plural,
            "number": self.number,
        }

    @classmethod
    def from_data(cls, data: dict) -> "TranslatedWhenShown":
        params = {name: _param_value(value) for name, value in data["params"].items()}
        return cls(data["msgid"], params, data["context"], data["plural"], data["number"])

    def encode(self) -> str:
        return MARKER + json.dumps(self.as_data(), ensure_ascii=False)

    @classmethod
    def decode(cls, text: str) -> "TranslatedWhenShown | None":
        if not (isinstance(text, str) and text.startswith(MARKER)):
            return None
        try:
            return cls.from_data(json.loads(text[len(MARKER) :]))
        except (ValueError, KeyError, TypeError):
            return None


def translate_when_shown(message, **params) -> TranslatedWhenShown:
    """A lazily translated message (or a msgid marked with ``gettext_noop``) with its
    ``%(name)s`` parameters, to pass to ``messages.success`` and the like."""
    if isinstance(message, TranslatedWhenShown):
        base = message
    elif isinstance(message, Promise):
        base = _from_lazy(message)
        if base is None:
            raise TypeError("only gettext_lazy, pgettext_lazy and ngettext_lazy(..., number) work")
    else:
        base = TranslatedWhenShown(str(message))
    return TranslatedWhenShown(
        base.msgid, {**base.params, **params}, base.context, base.plural, base.number
    )


def _from_lazy(promise: Promise) -> TranslatedWhenShown | None:
    """The msgid of a lazy translation, read from the arguments it pickles with."""
    try:
        _unpickle, (func, args, kwargs, *_classes) = promise.__reduce__()
    except (TypeError, ValueError):
        return None
    if func is translation.gettext and len(args) == 1:
        return TranslatedWhenShown(args[0])
    if func is translation.pgettext and len(args) == 2:
        return TranslatedWhenShown(args[1], context=args[0])
    if func is translation.ngettext and isinstance(kwargs.get("number"), int):
        return TranslatedWhenShown(
            kwargs["singular"], plural=kwargs["plural"], number=kwargs["number"]
        )
    if func is translation.npgettext and isinstance(kwargs.get("number"), int):
        return TranslatedWhenShown(
            kwargs["singular"],
            context=kwargs["context"],
            plural=kwargs["plural"],
            number=kwargs["number"],
        )
    return None


def _param_data(value):
    if isinstance(value, Promise):
        value = _from_lazy(value) or str(value)
    if isinstance(value, TranslatedWhenShown):
        return {"translate": value.as_data()}
    if isinstance(value, bool | int | float):
        return value
    return str(value)


def _param_value(data):
    if isinstance(data, dict):
        return TranslatedWhenShown.from_data(data["translate"])
    return data


class TranslatedWhenShownStorage(FallbackStorage):
    """Django's default storage (a cookie, then the session) keeping lazily translated messages
    as msgids, translated into the language of the page that shows them."""

    def add(self, level, message, extra_tags=""):
        if isinstance(message, Promise):
            message = _from_lazy(message) or message
        if isinstance(message, TranslatedWhenShown):
            message = message.encode()
        return super().add(level, message, extra_tags)

    def __iter__(self):
        for message in super().__iter__():
            text = TranslatedWhenShown.decode(message.message)
            yield message if text is None else Message(message.level, text, message.extra_tags)
