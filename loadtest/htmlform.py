"""Reads an HTML form as a browser would submit it, so the bench and the load test follow the page.

Only the standard library's HTML parser: the questionnaire's markup is our own and well formed.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

_TEXT_TYPES = {"", "text", "hidden", "number", "url", "email", "search", "tel", "date", "password"}


@dataclass
class FormField:
    name: str
    kind: str  # an input type, "textarea" or "select"
    value: str = ""
    choices: list[str] = field(default_factory=list)  # radio and select values, in page order
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Form:
    id: str
    action: str
    method: str
    fields: dict[str, FormField] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (name, value) of submit buttons

    def values(self) -> dict[str, str]:
        """What the browser would send (without a button): every field's current value."""
        return {name: f.value for name, f in self.fields.items()}


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._open: Form | None = None
        self._orphans: list[tuple[str, dict[str, str]]] = []  # elements with form="id"
        self._textarea: tuple[Form | None, str, dict] | None = None
        self._textarea_text: list[str] = []
        self._select: tuple[Form | None, str] | None = None

    def _owner(self, attrs: dict[str, str]) -> Form | None:
        owner_id = attrs.get("form")
        if owner_id:
            for form in self.forms:
                if form.id == owner_id:
                    return form
            return None
        return self._open

    def handle_starttag(self, tag, attr_list):
        attrs = {k: (v or "") for k, v in attr_list}
        if tag == "form":
            self._open = Form(
                id=attrs.get("id", ""),
                action=attrs.get("action", ""),
                method=attrs.get("method", "get").lower(),
            )
            self.forms.append(self._open)
            return
        if tag in ("input", "button") and "form" in attrs and self._owner(attrs) is None:
            self._orphans.append((tag, attrs))
            return
        if tag == "textarea":
            self._textarea = (self._owner(attrs), attrs.get("name", ""), attrs)
            self._textarea_text = []
        elif tag == "select":
            form, name = self._owner(attrs), attrs.get("name", "")
            self._select = (form, name)
            if form is not None and name:
                form.fields[name] = FormField(name, "select", attrs=attrs)
        elif tag == "option" and self._select is not None:
            form, name = self._select
            if form is not None and name:
                select = form.fields[name]
                value = attrs.get("value", "")
                select.choices.append(value)
                if "selected" in attrs or len(select.choices) == 1:
                    select.value = value
        else:
            self._control(tag, attrs, self._owner(attrs))

    def _control(self, tag, attrs, form):
        if form is None or "disabled" in attrs:
            return
        name = attrs.get("name", "")
        kind = attrs.get("type", "submit" if tag == "button" else "text").lower()
        if kind == "submit" or tag == "button":
            if kind == "submit" and name:
                form.buttons.append((name, attrs.get("value", "")))
            return
        if not name:
            return
        if kind in ("radio", "checkbox"):
            control = form.fields.setdefault(name, FormField(name, kind, attrs=attrs))
            control.choices.append(attrs.get("value", "on"))
            if "checked" in attrs:
                control.value = attrs.get("value", "on")
        elif kind in _TEXT_TYPES:
            form.fields[name] = FormField(name, kind, attrs.get("value", ""), attrs=attrs)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea_text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None
        elif tag == "textarea" and self._textarea is not None:
            form, name, attrs = self._textarea
            text = "".join(self._textarea_text)
            # A browser drops the one newline that follows the opening tag.
            if text.startswith("\n"):
                text = text[1:]
            if form is not None and name:
                form.fields[name] = FormField(name, "textarea", text, attrs=attrs)
            self._textarea = None
        elif tag == "select":
            self._select = None

    def close(self):
        super().close()
        # Controls placed before the form they name (form="id") are attached now.
        for tag, attrs in self._orphans:
            form = self._owner(attrs)
            if form is not None:
                self._control(tag, attrs, form)


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with_field(html: str, name: str) -> Form:
    """The page's form holding a field ``name`` (e.g. the questionnaire's ``revision``)."""
    for form in parse_forms(html):
        if name in form.fields:
            return form
    raise ValueError(f"No form with a field {name!r} on the page")
