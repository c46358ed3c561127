"""Which files may be attached as evidence, decided by their content, never by their name.

A focal point attaches the text of a law or policy: a PDF, a Word document (``.docx`` or the older
``.doc``), an OpenDocument text (``.odt``) or an image of it (PNG, JPEG, GIF, WebP, TIFF). The type
is read from the file's first bytes with the ``filetype`` library, then checked further where a
signature alone proves little:

- a PDF must start with ``%PDF-``;
- a ``.docx`` is a ZIP whose ``[Content_Types].xml`` declares a Word document, and no macros
  (a ``.docm`` or any ``vbaProject.bin`` is refused);
- an ``.odt`` is a ZIP whose ``mimetype`` entry says so, without Basic macros or scripts;
- a ``.doc`` holds no VBA project (macros).

Anything else (a program, a web page, a spreadsheet, an archive, SVG) is refused, whatever its
name says. ``check_upload`` returns what is stored with the file or raises ``FileRefused`` with a
sentence for the user.
"""

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PDF = "application/pdf"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str
    label: object  # a lazily translated name, shown beside the file


KINDS = {
    kind.content_type: kind
    for kind in (
        Kind(PDF, "pdf", gettext_lazy("PDF")),
        Kind(DOCX, "docx", gettext_lazy("Word document")),
        Kind(DOC, "doc", gettext_lazy("Word 97-2003 document")),
        Kind(ODT, "odt", gettext_lazy("OpenDocument text")),
        Kind("image/png", "png", gettext_lazy("PNG image")),
        Kind("image/jpeg", "jpg", gettext_lazy("JPEG image")),
        Kind("image/gif", "gif", gettext_lazy("GIF image")),
        Kind("image/webp", "webp", gettext_lazy("WebP image")),
        Kind("image/tiff", "tif", gettext_lazy("TIFF image")),
    )
}

# For the file picker only (``accept``): the server decides by content.
ACCEPT = ",".join(
    [
        ".pdf",
        ".docx",
        ".doc",
        ".odt",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".tif",
        ".tiff",
        *KINDS,
    ]
)

# How much of the start of a file ``filetype`` looks at.
_HEAD_BYTES = 8192
# A document's ZIP whose entries would unpack to more than this is not a document anyone sent.
_MAX_UNPACKED = 512 * 1024 * 1024
_MAX_NAME = 200


class FileRefused(Exception):
    """The file is not attached; ``message`` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    """What is stored with an accepted file."""

    name: str  # the user's file name, cleaned (shown and offered on download, never a path)
    content_type: str
    size: int
    sha256: str

    @property
    def kind(self) -> Kind:
        return KINDS[self.content_type]


def max_bytes() -> int:
    return settings.EVIDENCE_FILE_MAX_BYTES


def max_bytes_together() -> int:
    """What the chosen files of one form may weigh together: the request limit less room for the
    form's fields, so that a save carrying them is never refused whole (with what was typed)."""
    return max(settings.MAX_UPLOAD_BYTES - 2 * 1024 * 1024, max_bytes())


def max_files_per_item() -> int:
    return settings.EVIDENCE_FILES_PER_ITEM


def kind_label(content_type: str) -> str:
    kind = KINDS.get(content_type)
    return str(kind.label) if kind else content_type


def clean_name(name: str) -> str:
    """The file's own name without any folder, control character or surrounding spaces, at most
    200 characters (the extension kept); "file" when nothing is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if len(name) > _MAX_NAME:
        suffix = PurePosixPath(name).suffix[:20]
        name = name[: _MAX_NAME - len(suffix)].rstrip() + suffix
    return name or "file"


def download_name(name: str, content_type: str) -> str:
    """The name a download is offered under: the user's name with the extension of what the file
    really is, so that the reader's computer opens it with the right program."""
    kind = KINDS.get(content_type)
    if kind is None:
        return name
    stem = PurePosixPath(name).stem if PurePosixPath(name).suffix else name
    if kind.extension == "jpg" and name.lower().endswith((".jpg", ".jpeg")):
        return name
    if kind.extension == "tif" and name.lower().endswith((".tif", ".tiff")):
        return name
    return f"{stem or 'file'}.{kind.extension}"


def _read_all(uploaded) -> tuple[bytes, str]:
    """The first bytes and the SHA-256 of the whole file, read in chunks."""
    digest = hashlib.sha256()
    head = b""
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        if len(head) < _HEAD_BYTES:
            head += chunk[: _HEAD_BYTES - len(head)]
        digest.update(chunk)
    uploaded.seek(0)
    return head, digest.hexdigest()


def _not_accepted(name: str) -> FileRefused:
    return FileRefused(
        _(
            "“%(name)s” cannot be attached: its content is not a PDF, a Word or OpenDocument text "
            "document, or an image (PNG, JPEG, GIF, WebP or TIFF), whatever its name says."
        )
        % {"name": name}
    )


def _with_macros(name: str) -> FileRefused:
    return FileRefused(
        _(
            "“%(name)s” cannot be attached: it contains macros. Save it without macros (as a "
            ".docx, .odt or PDF), then attach it again."
        )
        % {"name": name}
    )


def _unreadable(name: str) -> FileRefused:
    return FileRefused(
        _("“%(name)s” cannot be attached: the document is damaged or cannot be read.")
        % {"name": name}
    )


def _zip_entries(uploaded, name: str) -> zipfile.ZipFile:
    uploaded.seek(0)
    try:
        archive = zipfile.ZipFile(uploaded)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _unreadable(name) from error
    if sum(info.file_size for info in infos) > _MAX_UNPACKED:
        raise _unreadable(name)
    if any(info.flag_bits & 0x1 for info in infos):  # an encrypted entry
        raise _unreadable(name)
    return archive


def _read_entry(archive: zipfile.ZipFile, entry: str, name: str, limit: int = 1024 * 1024) -> bytes:
    try:
        with archive.open(entry) as stream:
            return stream.read(limit)
    except KeyError:
        return b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise _unreadable(name) from error


def _check_docx(uploaded, name: str) -> None:
    archive = _zip_entries(uploaded, name)
    names = archive.namelist()
    types = _read_entry(archive, "[Content_Types].xml", name)
    if b"wordprocessingml.document.main+xml" not in types:
        if b"macroEnabled" in types:
            raise _with_macros(name)
        raise _not_accepted(name)
    if b"macroEnabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _with_macros(name)


def _check_odt(uploaded, name: str) -> None:
    archive = _zip_entries(uploaded, name)
    if _read_entry(archive, "mimetype", name, limit=200).strip() != ODT.encode():
        raise _not_accepted(name)
    if any(n.startswith(("Basic/", "Scripts/")) for n in archive.namelist()):
        raise _with_macros(name)


_VBA_PROJECT = "_VBA_PROJECT".encode("utf-16-le")


def _check_doc(uploaded, name: str) -> None:
    # The directory of a Word 97-2003 file names its streams in UTF-16; macros live in a
    # "_VBA_PROJECT" stream. Looking for the name in the whole file is cheap at these sizes.
    uploaded.seek(0)
    tail = b""
    for chunk in uploaded.chunks():
        if _VBA_PROJECT in tail + chunk:
            raise _with_macros(name)
        tail = chunk[-len(_VBA_PROJECT) :]
    uploaded.seek(0)


def _detected(head: bytes, uploaded, name: str) -> str:
    """The file's content type, from its content."""
    found = filetype.guess(head)
    mime = found.mime if found else None
    if head.startswith(b"PK\x03\x04") and mime not in (DOCX, ODT):
        # filetype looks only at the first entries: a Word document written by another program
        # may list its parts in another order. The ZIP's own table of contents decides.
        archive = _zip_entries(uploaded, name)
        names = set(archive.namelist())
        if "[Content_Types].xml" in names:
            mime = DOCX
        elif "mimetype" in names:
            mime = ODT
    if mime == PDF and not head.startswith(b"%PDF-"):
        mime = None
    if mime not in KINDS:
        raise _not_accepted(name)
    checks = {DOCX: _check_docx, ODT: _check_odt, DOC: _check_doc}
    if mime in checks:
        checks[mime](uploaded, name)
    return mime


def check_upload(uploaded) -> CheckedFile:
    """What is stored of an uploaded file (Django's ``UploadedFile``); ``FileRefused`` when it is
    empty, too large, or not of an accepted type by its content."""
    name = clean_name(getattr(uploaded, "name", "") or "")
    size = uploaded.size or 0
    if size == 0:
        raise FileRefused(_("“%(name)s” is empty: nothing to attach.") % {"name": name})
    if size > max_bytes():
        raise FileRefused(
            _("“%(name)s” is %(size)s: files may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )
    head, sha256 = _read_all(uploaded)
    content_type = _detected(head, uploaded, name)
    uploaded.seek(0)
    return CheckedFile(name=name, content_type=content_type, size=size, sha256=sha256)
