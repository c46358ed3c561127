"""The dry run of an upload as the page shows it: item by item, each field that would change, that
conflicts with a colleague's save, that is wrong in the workbook, or that was changed online."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from questionnaire.forms import LABELS, input_name
from questionnaire.instrument_cache import label_among_options, version_items, version_texts
from questionnaire.services.answers import ANSWER_FIELDS, GENERAL_COMMENT, FieldKey, as_text

from .uploads import UploadPlan

CHANGE, CONFLICT, INVALID, CHANGED_ONLINE = "change", "conflict", "invalid", "changed_online"


@dataclass(frozen=True)
class FieldLine:
    key: FieldKey
    name: str  # the field's input name, e.g. "1a-option_code"
    label: str
    status: str
    saved: str  # the value saved now, as people read it
    workbook: str  # the workbook's value, as people read it
    cell: str
    error: str = ""
    by: str = ""
    at: datetime | None = None
    choice: str = ""  # for a conflict: "theirs", "mine" or "" (not chosen yet)
    choice_error: str = ""
    seen: str = ""  # for a conflict: the saved value as stored, sent back with the choice


@dataclass
class ItemLines:
    code: str
    name: str
    lines: list[FieldLine] = field(default_factory=list)


@dataclass
class DryRunPage:
    items: list[ItemLines]
    changes: int
    conflicts: int
    invalid: int
    changed_online: int
    unchanged_items: int
    total_items: int

    @property
    def saves_something(self) -> bool:
        return bool(self.changes or self.conflicts)


def dry_run_page(
    upload: UploadPlan, *, round, where: dict[FieldKey, str], choices=None, choice_errors=()
) -> DryRunPage:
    choices = choices or {}
    items = {item.code: item for item in version_items(round.version)}
    texts = version_texts(round.version)
    plan = upload.plan
    conflicts = {conflict.key: conflict for conflict in plan.conflicts}
    order = [(code, name) for code in items for name in ANSWER_FIELDS] + [GENERAL_COMMENT]

    def shown(key: FieldKey, value) -> str:
        code, name = key
        text = as_text(value)
        if name == "option_code":
            return label_among_options(items[code], text) or text
        return text

    groups: dict[str, ItemLines] = {}
    counts = {CHANGE: 0, CONFLICT: 0, INVALID: 0, CHANGED_ONLINE: 0}
    for key in order:
        if key not in upload.read.typed:
            continue
        code, name = key
        line = None
        common = {
            "key": key,
            "name": input_name(key),
            "label": str(LABELS[name]),
            "saved": shown(key, plan.current.get(key, "")),
            "cell": where.get(key, ""),
        }
        if key in upload.read.errors:
            line = FieldLine(
                **common,
                status=INVALID,
                workbook=upload.read.typed[key],
                error=upload.read.errors[key],
            )
        elif key in conflicts:
            conflict = conflicts[key]
            line = FieldLine(
                **common,
                status=CONFLICT,
                workbook=shown(key, upload.entries[key]),
                by=conflict.by,
                at=conflict.at,
                choice=choices.get(key, ""),
                choice_error=_("Choose which value to keep.") if key in choice_errors else "",
                seen=conflict.theirs,
            )
        elif key in plan.to_write:
            line = FieldLine(**common, status=CHANGE, workbook=shown(key, upload.entries[key]))
        elif key in plan.changed_since:
            change = plan.changed_since[key]
            line = FieldLine(
                **common,
                status=CHANGED_ONLINE,
                workbook=shown(key, upload.entries.get(key, "")),
                by=change.by,
                at=change.at,
            )
        if line is None:
            continue
        counts[line.status] += 1
        group_name = texts[code].name if code else _("General comment")
        groups.setdefault(code, ItemLines(code=code, name=group_name)).lines.append(line)
    return DryRunPage(
        items=list(groups.values()),
        changes=counts[CHANGE],
        conflicts=counts[CONFLICT],
        invalid=counts[INVALID],
        changed_online=counts[CHANGED_ONLINE],
        unchanged_items=len([c for c in items if c not in groups]),
        total_items=len(items),
    )
