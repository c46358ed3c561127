"""A draft save of the whole questionnaire as a focal point sends it, every field changed.

Built from the form read off the page, so the field names and the options follow the templates.
"""

from .htmlform import Form

OPTION_SUFFIX = "-option_code"
EVIDENCE = ("policy_name", "policy_year", "link", "citation", "comment")


def item_codes(form: Form) -> list[str]:
    return [
        name.removesuffix(OPTION_SUFFIX) for name in form.fields if name.endswith(OPTION_SUFFIX)
    ]


def _year(form: Form, code: str, variant: int) -> str:
    attrs = form.fields[f"{code}-policy_year"].attrs if f"{code}-policy_year" in form.fields else {}
    low = int(attrs.get("min") or 1800)
    high = int(attrs.get("max") or 2100)
    low = max(low, min(1990, high))
    return str(low + variant % max(1, min(30, high - low + 1)))


def draft_save(form: Form, variant: int, *, general_comment: bool = True) -> dict[str, str]:
    """The form as the page gave it, with every answer and its evidence set from ``variant``.

    Two consecutive variants differ in every field (any item has at least two options), so each
    save changes all 30 answers and writes a full history.
    """
    data = form.values()
    data["action"] = "save"
    for code in item_codes(form):
        choices = [c for c in form.fields[code + OPTION_SUFFIX].choices if c]
        data[code + OPTION_SUFFIX] = choices[variant % len(choices)]
        data[f"{code}-policy_name"] = f"Migration and Asylum Act, section {code} (v{variant})"
        data[f"{code}-policy_year"] = _year(form, code, variant)
        data[f"{code}-link"] = f"https://legislation.example.org/{code}/v{variant}"
        data[f"{code}-citation"] = f"Official Gazette No. {100 + variant}, art. {code}"
        data[f"{code}-comment"] = f"Confirmed by the line ministry; variant {variant}."
    if general_comment and "general_comment" in data:
        data["general_comment"] = f"Load and benchmark run, variant {variant}"
    return data


def one_answer_changed(form: Form, variant: int) -> dict[str, str]:
    """The form as the page gave it, with only the first item's answer changed."""
    data = form.values()
    data["action"] = "save"
    code = item_codes(form)[0]
    choices = [c for c in form.fields[code + OPTION_SUFFIX].choices if c]
    data[code + OPTION_SUFFIX] = choices[variant % len(choices)]
    return data
