"""The questionnaire page as the templates show it: every value already chosen, labelled, counted.

One function, ``questionnaire_page``, builds it from what is saved plus what the user typed (kept
after a refused or partly saved form), the problems, the conflicts and a prefill. The templates
only loop over these declared fields; nothing is attached to model objects.
"""

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache

from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from .evidence_markup import AttachmentUrls, AttachmentView, file_input_name
from .forms import EARLIEST_POLICY_YEAR, LABELS, LIMITS, input_name, latest_policy_year
from .instrument_cache import label_among_options, version_items, version_texts
from .markup import attributes, field_block, item_card, text_control
from .models import Answer, Submission
from .selectors import previous_validated_submission
from .services.answers import ANSWER_FIELDS, GENERAL_COMMENT, Conflict, FieldKey, as_text
from .services.evidence import current_files


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool
    id: str


@dataclass(frozen=True)
class ConflictView:
    """Both values of a conflicting field, by their labels, for the user to pick one."""

    name: str
    theirs: str
    mine: str
    by: str
    at: datetime
    choice: str = ""


@dataclass(frozen=True)
class InputField:
    name: str
    id: str
    label: str
    value: str
    kind: str  # text, url, year, textarea
    limit: int | None = None
    error: str = ""
    conflict: ConflictView | None = None
    column: str = "col-12"
    limit_text: str = ""
    rows: int = 2

    @property
    def html(self) -> str:
        return text_control(self)

    @property
    def block_html(self) -> str:
        return field_block(self)

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def count_id(self) -> str:
        return f"{self.id}-count"

    @property
    def input_type(self) -> str:
        return "url" if self.kind == "url" else "text"

    @property
    def css(self) -> str:
        return (
            "form-control form-control-sm is-invalid"
            if self.error
            else "form-control form-control-sm"
        )

    @property
    def attrs(self) -> str:
        """The control's other attributes, as one string: the page is drawn by a plain loop."""
        described = [self.count_id] if self.limit else []
        if self.error:
            described.append(self.error_id)
        if self.name == GENERAL_COMMENT[1]:
            described.append("general-comment-help")
        attrs = {"aria-describedby": " ".join(described) or None}
        if self.limit:
            attrs["data-limit"] = self.limit
        if self.error:
            attrs["aria-invalid"] = "true"
        attrs.update(_KIND_ATTRS.get(self.kind, {}))
        return attributes(attrs)


@dataclass(frozen=True)
class PreviousAnswer:
    round_name: str
    label: str
    policy_name: str
    policy_year: int | None
    values: dict  # the form's field values to copy (the option only if still offered)
    heading: str = ""

    @property
    def values_json(self) -> str:
        return json.dumps(self.values)


@dataclass(frozen=True)
class ItemView:
    code: str
    text: str
    name: str  # code and short text, to name the item in lists and messages
    choices: list[Choice]
    answer_label: str
    option_error: str
    option_conflict: ConflictView | None
    evidence: list[InputField]
    previous: PreviousAnswer | None
    history_count: int
    history_url: str
    prefilled: bool
    history_text: str = ""
    group_label: str = ""
    words: dict = field(default_factory=dict)  # words repeated at every item (_page_texts)
    # The files attached to the item's evidence, why the last one chosen was refused, and where
    # the form's "Attach" button sends it.
    attachments: list[AttachmentView] = field(default_factory=list)
    file_error: str = ""
    attach_url: str = ""

    @property
    def anchor(self) -> str:
        return f"item-{self.code}"

    @property
    def option_name(self) -> str:
        return f"{self.code}-option_code"

    @property
    def html(self) -> str:
        return item_card(self, self.words)

    @property
    def answered(self) -> bool:
        return any(choice.checked for choice in self.choices)

    @property
    def has_errors(self) -> bool:
        return bool(self.option_error or self.file_error or any(f.error for f in self.evidence))

    @property
    def has_evidence(self) -> bool:
        return any(f.value for f in self.evidence)

    @property
    def conflicts(self) -> list[ConflictView]:
        found = [self.option_conflict] if self.option_conflict else []
        return found + [f.conflict for f in self.evidence if f.conflict]


@dataclass(frozen=True)
class DomainView:
    number: int
    name: str
    question: str
    official_question: str
    items: list[ItemView]

    @property
    def anchor(self) -> str:
        return f"domain-{self.number}"

    @property
    def answered(self) -> int:
        return sum(1 for item in self.items if item.answered)

    @property
    def total(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class Problem:
    anchor: str
    item: str
    field: str
    message: str


@dataclass(frozen=True)
class QuestionnairePage:
    domains: list[DomainView]
    general_comment: InputField
    previous_round_name: str
    problems: list[Problem] = field(default_factory=list)
    conflicts: list[tuple[str, str, ConflictView]] = field(default_factory=list)
    prefilled: bool = False
    year_min: int = EARLIEST_POLICY_YEAR
    year_max: int = field(default_factory=latest_policy_year)

    @property
    def answered(self) -> int:
        return sum(domain.answered for domain in self.domains)

    @property
    def total(self) -> int:
        return sum(domain.total for domain in self.domains)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def unsaved(self) -> bool:
        return bool(self.problems or self.conflicts or self.prefilled)


def _page_texts() -> dict[str, str]:
    """Words repeated at every item, translated once per page rather than once per item."""
    return {
        "copied": _("Copied from the previous round: review, then save"),
        "not_answered": _("not answered"),
        "use_previous": _("Use this answer"),
    }


def shown_text(item, name: str, value: str) -> str:
    """How a field's value is shown to people: an answer by its label, never by its code."""
    if name == "option_code" and item is not None:
        return label_among_options(item, value)
    return value


def item_name(item) -> str:
    """The item's code and the first words of its text, to name it in lists and messages."""
    return version_texts(item.version)[item.code].name


def saved_values(
    submission: Submission | None, items
) -> tuple[dict[FieldKey, str], dict[str, int]]:
    """The saved value of every field as text, and each item's number of changes."""
    values: dict[FieldKey, str] = {
        GENERAL_COMMENT: submission.general_comment if submission else ""
    }
    counts: dict[str, int] = {}
    by_pk = {item.pk: item.code for item in items}
    if submission is not None:
        for row in Answer.objects.filter(submission=submission).values(
            "item_id", "change_count", *ANSWER_FIELDS
        ):
            code = by_pk[row["item_id"]]
            counts[code] = row["change_count"]
            for name in ANSWER_FIELDS:
                values[(code, name)] = as_text(row[name])
    for item in items:
        for name in ANSWER_FIELDS:
            values.setdefault((item.code, name), "")
    return values, counts


def _previous_answers(previous: Submission | None, items) -> dict[str, PreviousAnswer]:
    if previous is None:
        return {}
    items_by_code = {item.code: item for item in items}
    found = {}
    name = previous.round.display_name
    heading = _("Previous round, %(name)s:") % {"name": name}
    for row in previous.answers.values("item__code", *ANSWER_FIELDS):
        item = items_by_code.get(row["item__code"])
        if item is None:
            continue
        values = {n: row[n] for n in ANSWER_FIELDS}
        if not label_among_options(item, values["option_code"]):
            values["option_code"] = ""  # no longer offered: not copied
        found[item.code] = PreviousAnswer(
            heading=heading,
            round_name=name,
            label=label_among_options(item, row["option_code"]),
            policy_name=row["policy_name"],
            policy_year=row["policy_year"],
            values=values,
        )
    return found


def prefill_from_previous(
    values: dict[FieldKey, str], previous: dict[str, PreviousAnswer]
) -> tuple[dict[FieldKey, str], set[str]]:
    """The unanswered items filled with the previous round's answers (shown, not saved)."""
    filled, codes = dict(values), set()
    for code, answer in previous.items():
        copied = answer.values
        if values[(code, "option_code")] or not copied["option_code"]:
            continue
        for name in ANSWER_FIELDS:
            filled[(code, name)] = as_text(copied[name])
        codes.add(code)
    return filled, codes


def _history_url(round_, country, code: str) -> str:
    return reverse(
        "questionnaire:item_history",
        kwargs={"round_code": round_.code, "iso3": country.iso3, "item_code": code},
    )


def questionnaire_page(
    *,
    round,
    country,
    submission: Submission | None,
    typed: dict[FieldKey, str] | None = None,
    errors: dict[FieldKey, str] | None = None,
    conflicts: list[Conflict] = (),
    prefill: bool = False,
    file_errors: dict[str, str] | None = None,
) -> QuestionnairePage:
    """The page: saved values, overlaid with what the user typed where it was not saved.

    ``file_errors``: item code to why the file chosen for it was not attached."""
    items = version_items(round.version)
    values, counts = saved_values(submission, items)
    previous = previous_validated_submission(round=round, country=country)
    previous_answers = _previous_answers(previous, items)
    prefilled: set[str] = set()
    if prefill:
        values, prefilled = prefill_from_previous(values, previous_answers)
    values.update(typed or {})
    errors = errors or {}
    items_by_code = {item.code: item for item in items}
    conflict_views = {
        c.key: ConflictView(
            name=input_name(c.key),
            theirs=shown_text(items_by_code.get(c.item_code), c.field, c.theirs),
            mine=shown_text(items_by_code.get(c.item_code), c.field, c.mine),
            by=c.by,
            at=c.at,
        )
        for c in conflicts
    }
    history_base = _history_url(round, country, "ITEM")
    files = current_files(submission)
    file_urls = AttachmentUrls(round, country)
    file_errors = file_errors or {}
    domains: dict[int, DomainView] = {}
    problems: list[Problem] = []
    texts = version_texts(round.version)
    words = _page_texts()
    for item in items:
        view = _item_view(
            item,
            texts[item.code],
            values,
            errors,
            conflict_views,
            previous=previous_answers.get(item.code),
            history_count=counts.get(item.code, 0),
            history_url=history_base.replace("/ITEM/", f"/{item.code}/"),
            prefilled=item.code in prefilled,
            words=words,
            attachments=file_urls.views(files.get(item.pk, [])),
            file_error=file_errors.get(item.code, ""),
            attach_url=file_urls.attach,
        )
        problems.extend(_problems_of(view, errors))
        domain = item.domain
        if domain.number not in domains:
            domains[domain.number] = DomainView(
                number=domain.number,
                name=domain.display_name,
                question=domain.display_question,
                official_question=domain.question,
                items=[],
            )
        domains[domain.number].items.append(view)
    general = replace(
        _input(GENERAL_COMMENT, values, errors, conflict_views, kind="textarea"), rows=4
    )
    if general.error:
        problems.append(Problem(general.id, "", general.label, general.error))
    listed_conflicts = []
    for key, view in conflict_views.items():
        item = items_by_code.get(key[0])
        listed_conflicts.append((item_name(item) if item else "", str(LABELS[key[1]]), view))
    return QuestionnairePage(
        domains=list(domains.values()),
        general_comment=general,
        previous_round_name=previous.round.display_name if previous else "",
        problems=problems,
        conflicts=listed_conflicts,
        prefilled=bool(prefilled),
    )


_KINDS = {"policy_year": "year", "link": "url", "comment": "textarea"}
_COLUMNS = {
    "policy_name": "col-md-8",
    "policy_year": "col-md-4",
    "link": "col-md-6",
    "citation": "col-md-6",
}


_KIND_ATTRS = {
    "year": {"inputmode": "numeric", "autocomplete": "off"},
    "url": {"inputmode": "url", "placeholder": "https://"},
}


@lru_cache(maxsize=64)
def _field_texts(name: str, language: str) -> tuple[str, str]:
    """A field's label and limit, translated once per process and language (150 fields a page)."""
    limit = LIMITS.get(name)
    limit_text = _("Up to %(limit)s characters.") % {"limit": limit} if limit else ""
    return str(LABELS[name]), limit_text


def _input(key, values, errors, conflicts, *, kind="text") -> InputField:
    name = input_name(key)
    label, limit_text = _field_texts(key[1], get_language())
    return InputField(
        name=name,
        id=f"id_{name}",
        label=label,
        value=values[key],
        kind=kind,
        limit=LIMITS.get(key[1]),
        error=errors.get(key, ""),
        conflict=conflicts.get(key),
        column=_COLUMNS.get(key[1], "col-12"),
        limit_text=limit_text,
    )


def _item_view(item, texts, values, errors, conflicts, **extra) -> ItemView:
    code = item.code
    chosen = values[(code, "option_code")]
    return ItemView(
        code=code,
        text=texts.text,
        name=texts.name,
        choices=[
            Choice(
                value=o.code,
                label=texts.labels[o.code],
                checked=o.code == chosen,
                id=f"id_{code}-option_code_{i}",
            )
            for i, o in enumerate(item.options)
        ],
        answer_label=texts.labels.get(chosen, ""),
        option_error=errors.get((code, "option_code"), ""),
        option_conflict=conflicts.get((code, "option_code")),
        evidence=[
            _input((code, name), values, errors, conflicts, kind=_KINDS.get(name, "text"))
            for name in ANSWER_FIELDS[1:]
        ],
        group_label=_("Item %(code)s") % {"code": code},
        history_text=ngettext(
            "History (%(counter)s change)", "History (%(counter)s changes)", extra["history_count"]
        )
        % {"counter": extra["history_count"]},
        **extra,
    )


def _problems_of(view: ItemView, errors) -> list[Problem]:
    found = []
    if view.option_error:
        found.append(Problem(view.anchor, view.name, str(LABELS["option_code"]), view.option_error))
    for f in view.evidence:
        if f.error:
            found.append(Problem(f.id, view.name, f.label, f.error))
    if view.file_error:
        found.append(
            Problem(
                f"id_{file_input_name(view.code)}", view.name, _("Attached file"), view.file_error
            )
        )
    return found
