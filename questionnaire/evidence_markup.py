"""The attached files of an item as the questionnaire page shows them.

On the form, each item's evidence ends with its attached files (each a download link with its type
and size, and a "Remove…" button) and a file control with an "Attach" button. Both buttons belong
to the questionnaire's own form (``formaction``): pressing one sends everything typed with it, so
the draft is saved first and nothing typed is lost; nested forms are not valid HTML.
"""

from dataclasses import dataclass
from functools import lru_cache
from html import escape

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import markup
from .evidence_types import ACCEPT, kind_label, max_bytes, max_bytes_together, max_files_per_item

FILE_FIELD = "evidence_file"


def file_input_name(code: str) -> str:
    return f"{code}-{FILE_FIELD}"


@dataclass(frozen=True)
class AttachmentView:
    key: str
    name: str
    kind: str
    size: str
    url: str
    remove_url: str


def _url(name: str, round_, country, key: str = "") -> str:
    kwargs = {"round_code": round_.code, "iso3": country.iso3}
    if key:
        kwargs["key"] = key
    return reverse(f"questionnaire:{name}", kwargs=kwargs)


_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


class AttachmentUrls:
    """The addresses of a questionnaire's files, each reversed once per page."""

    def __init__(self, round_, country):
        self.download = _url("evidence_file", round_, country, _PLACEHOLDER)
        self.remove = _url("remove_evidence_file", round_, country, _PLACEHOLDER)
        self.attach = _url("attach_evidence_files", round_, country)

    def views(self, files) -> list[AttachmentView]:
        return [
            AttachmentView(
                key=f.key,
                name=f.name,
                kind=kind_label(f.content_type),
                size=filesizeformat(f.size),
                url=self.download.replace(_PLACEHOLDER, f.key),
                remove_url=self.remove.replace(_PLACEHOLDER, f.key),
            )
            for f in files
        ]


def version_attachment_views(
    round_, country, attachments: dict[str, list[dict]]
) -> dict[str, list[AttachmentView]]:
    """The files a submitted version lists (``content["attachments"]``), by item code."""
    if not attachments:
        return {}
    urls = AttachmentUrls(round_, country)
    return {
        code: [
            AttachmentView(
                key=f["id"],
                name=f["name"],
                kind=kind_label(f["content_type"]),
                size=filesizeformat(f["size"]),
                url=urls.download.replace(_PLACEHOLDER, f["id"]),
                remove_url="",
            )
            for f in files
        ]
        for code, files in attachments.items()
    }


@lru_cache(maxsize=16)
def _words(language: str, limit: int, per_item: int, together: int) -> dict[str, str]:
    """Words repeated at every item, translated once per process, language and limits."""
    return {
        "label": _("Attach the text of the law or policy"),
        "help": _(
            "PDF, Word, OpenDocument text or an image (PNG, JPEG, GIF, WebP, TIFF), up to "
            "%(size)s each, %(count)s files per item. Choose the file, then press Attach: the draft "
            "is saved at the same time."
        )
        % {"size": filesizeformat(limit), "count": per_item},
        "attach": _("Attach"),
        "remove": _("Remove…"),
        "files": _("Attached files"),
        "full": _(
            "This item has the most files it can have (%(count)s): remove one to attach another."
        )
        % {"count": per_item},
        "item": _("item %(code)s"),
        # {name} is put in by the page's script: keep it as it is.
        "too_large": _("“{name}” is larger than %(size)s: it cannot be attached.")
        % {"size": filesizeformat(limit)},
        # {name} is put in by the page's script: keep it as it is.
        "too_much": _(
            "“{name}” cannot be sent with the other files chosen: together they are larger than "
            "%(size)s. Save or attach those first, then choose it again."
        )
        % {"size": filesizeformat(together)},
    }


def words() -> dict[str, str]:
    return _words(get_language() or "", max_bytes(), max_files_per_item(), max_bytes_together())


def _file_list(item, w: dict) -> str:
    if not item.attachments:
        return ""
    rows = []
    for f in item.attachments:
        rows.append(
            f'<li class="evidence-file" data-file="{escape(f.key)}">'
            f'<a href="{escape(f.url)}">{escape(f.name)}</a> '
            f'<span class="text-body-secondary">({escape(f.kind)}, {escape(f.size)})</span> '
            f'<button type="submit" class="btn btn-link btn-sm p-0 align-baseline link-danger" '
            f'formaction="{escape(f.remove_url)}" formnovalidate>{escape(w["remove"])}'
            f'<span class="visually-hidden"> {escape(f.name)}</span></button></li>'
        )
    heading_id = f"files-{item.code}-heading"
    return (
        f'<p class="small mb-0" id="{heading_id}">{escape(w["files"])}</p>'
        f'<ul class="list-unstyled small mb-1 ms-2" aria-labelledby="{heading_id}">'
        f"{''.join(rows)}</ul>"
    )


def evidence_files_block(item) -> SafeString:
    """The item's attached files and its file control, for the questionnaire's form."""
    w = words()
    code = item.code
    input_id = f"id_{file_input_name(code)}"
    html = [f'<div class="col-12 mb-1 evidence-files" id="files-{code}">', _file_list(item, w)]
    if len(item.attachments) >= max_files_per_item():
        html.append(f'<p class="small text-body-secondary mb-0">{escape(w["full"])}</p>')
    else:
        described = [f"{input_id}-help"]
        if item.file_error:
            described.append(f"{input_id}-error")
        control = markup.attributes(
            {
                "type": "file",
                "name": file_input_name(code),
                "id": input_id,
                "class": "form-control" + (" is-invalid" if item.file_error else ""),
                "accept": ACCEPT,
                "data-max-bytes": max_bytes(),
                "data-too-large": w["too_large"],
                "data-max-together": max_bytes_together(),
                "data-too-much": w["too_much"],
                "aria-describedby": " ".join(described),
                "aria-invalid": "true" if item.file_error else None,
            }
        )
        button = markup.attributes(
            {
                "type": "submit",
                "name": "attach",
                "value": code,
                "class": "btn btn-outline-secondary",
                "formaction": item.attach_url,
                "formenctype": "multipart/form-data",
                "formnovalidate": True,
                "data-attach": True,
            }
        )
        where = escape(w["item"] % {"code": code})
        html.append(
            f'<label for="{input_id}" class="form-label small mb-0">{escape(w["label"])}</label>'
            f'<div class="input-group input-group-sm"><input{control}>'
            f"<button{button}>{escape(w['attach'])}"
            f'<span class="visually-hidden"> ({where})</span></button></div>'
            f'<p class="form-text small mb-0" id="{input_id}-help">{escape(w["help"])}</p>'
        )
        if item.file_error:
            html.append(
                f'<p class="invalid-feedback d-block mb-0" id="{input_id}-error">'
                f"{escape(item.file_error)}</p>"
            )
    html.append("</div>")
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped
