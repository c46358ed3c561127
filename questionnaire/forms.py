"""The questionnaire as forms: one form per item (answer and evidence) and one for the submission."""

import datetime
import hashlib
from collections.abc import Mapping

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from crispy_forms.utils import render_crispy_form
from django import forms
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from kernel.translation import current_language

from .services.answers import ANSWER_FIELDS, AnswerInput

EARLIEST_POLICY_YEAR = 1800


def _item_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        Row(
            Column(Field("option_code"), css_class="col-lg-5"),
            Column(
                Row(
                    Column("policy_name", css_class="col-md-8"),
                    Column("policy_year", css_class="col-md-4"),
                ),
                Row(Column("link", css_class="col-md-6"), Column("citation", css_class="col-md-6")),
                Field("comment", rows=2),
                css_class="col-lg-7",
            ),
        )
    )
    return helper


class AnswerForm(forms.Form):
    """One item: the answer as a radio group (a fieldset with the item as legend) and its evidence."""

    helper = _item_helper()

    option_code = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    policy_name = forms.CharField(
        label=_("Law, policy or strategy"), max_length=500, required=False
    )
    policy_year = forms.IntegerField(label=_("Year"), required=False)
    link = forms.URLField(
        label=_("Link"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )
    citation = forms.CharField(label=_("Citation"), max_length=1000, required=False)
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, item, submitting: bool = False, **kwargs):
        super().__init__(*args, prefix=item.code, **kwargs)
        self.item = item
        self.submitting = submitting
        field = self.fields["option_code"]
        field.label = f"{item.code}. {item.display_text}"
        field.choices = [(o.code, o.display_label) for o in item.options]
        year = self.fields["policy_year"]
        year.min_value, year.max_value = EARLIEST_POLICY_YEAR, datetime.date.today().year + 1
        year.validators = [
            MinValueValidator(year.min_value),
            MaxValueValidator(year.max_value),
        ]
        year.widget.attrs.update({"min": year.min_value, "max": year.max_value})

    def clean(self):
        cleaned = super().clean()
        if self.submitting and not cleaned.get("option_code") and "option_code" not in self.errors:
            self.add_error("option_code", _("Choose an answer."))
        return cleaned

    def was_posted(self) -> bool:
        """Whether the posted data hold this item at all (text inputs are always sent)."""
        return self.is_bound and self.add_prefix("policy_name") in self.data

    def answer_input(self) -> AnswerInput:
        return AnswerInput(**{name: self.cleaned_data[name] for name in ANSWER_FIELDS})


class SubmissionForm(forms.Form):
    general_comment = forms.CharField(
        label=_("General comment"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Anything the reviewers should know about these answers as a whole."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


FRAGMENT_CACHE_SECONDS = 24 * 3600
# Bump when the item form's layout or templates change, so no stale fragment is served.
FRAGMENT_VERSION = 1


def _fragment_key(item, values: AnswerInput | None, language: str, year_max: int) -> str:
    """Everything the rendered, unbound item form depends on: its texts, options and values."""
    parts = (
        FRAGMENT_VERSION,
        language,
        item.pk,
        item.code,
        item.display_text,
        tuple((o.code, o.display_label) for o in item.options),
        tuple(vars(values).values()) if values else None,
        year_max,
        str(_("Law, policy or strategy")),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"questionnaire:item-form:{digest}"


class LazyForms(Mapping):
    """The item forms, built on first use (a page served from cached fragments builds none)."""

    def __init__(self, factory, codes):
        self._factory, self._codes, self._built = factory, list(codes), {}

    def __getitem__(self, code):
        if code not in self._built:
            if code not in self._codes:
                raise KeyError(code)
            self._built[code] = self._factory(code)
        return self._built[code]

    def __iter__(self):
        return iter(self._codes)

    def __len__(self):
        return len(self._codes)


class QuestionnaireForm:
    """All items of a submission at once: validates every form, so every problem is reported."""

    def __init__(
        self,
        *,
        items,
        data=None,
        initial: dict[str, AnswerInput] | None = None,
        general_comment: str = "",
        revision: int = 0,
        submitting: bool = False,
    ):
        self.initial = initial = initial or {}
        self.data = data
        self.items = {item.code: item for item in items}
        self.item_forms = LazyForms(
            lambda code: AnswerForm(
                data,
                item=self.items[code],
                submitting=submitting,
                initial=vars(initial[code]) if code in initial else None,
            ),
            self.items,
        )
        self.submission_form = SubmissionForm(
            data, initial={"general_comment": general_comment, "revision": revision}
        )

    def rendered_item_forms(self) -> dict[str, str]:
        """Each item's form as HTML (crispy layout), unbound forms served from a fragment cache.

        A bound form (re-shown with the user's input and its problems) is always rendered afresh.
        """
        if self.data is not None:
            return {code: render_crispy_form(form) for code, form in self.item_forms.items()}
        language = current_language()
        year_max = datetime.date.today().year + 1
        keys = {
            code: _fragment_key(item, self.initial.get(code), language, year_max)
            for code, item in self.items.items()
        }
        found = cache.get_many(keys.values())
        html, missing = {}, {}
        for code, key in keys.items():
            if key in found:
                html[code] = mark_safe(found[key])  # noqa: S308 - rendered by crispy, cached as is
            else:
                html[code] = render_crispy_form(self.item_forms[code])
                missing[key] = str(html[code])
        if missing:
            cache.set_many(missing, FRAGMENT_CACHE_SECONDS)
        return html

    def is_valid(self) -> bool:
        results = [form.is_valid() for form in self.item_forms.values()]
        results.append(self.submission_form.is_valid())
        return all(results)

    def answers(self) -> dict[str, AnswerInput]:
        """The items the posted form held, as entered (items absent from the post are not touched)."""
        return {
            code: form.answer_input() for code, form in self.item_forms.items() if form.was_posted()
        }

    @property
    def base_revision(self) -> int:
        return self.submission_form.cleaned_data["revision"]

    @property
    def general_comment(self) -> str | None:
        """The general comment as posted; None when the form did not hold the field at all."""
        if "general_comment" not in self.submission_form.data:
            return None
        return self.submission_form.cleaned_data["general_comment"]

    def problems(self) -> list[dict]:
        """Every error, in questionnaire order, with the anchor of the field it belongs to."""
        found = []
        for code, form in self.item_forms.items():
            for name, errors in form.errors.items():
                if name == "option_code" or name == forms.forms.NON_FIELD_ERRORS:
                    anchor, label = f"item-{code}", _("Answer")
                else:
                    anchor, label = form[name].auto_id, form.fields[name].label
                for message in errors:
                    found.append(
                        {"anchor": anchor, "item": code, "field": label, "message": message}
                    )
        for name, errors in self.submission_form.errors.items():
            field = self.submission_form.fields.get(name)
            for message in errors:
                found.append(
                    {
                        "anchor": self.submission_form[name].auto_id if field else "questionnaire",
                        "item": "",
                        "field": field.label if field and field.label else "",
                        "message": message,
                    }
                )
        return found
