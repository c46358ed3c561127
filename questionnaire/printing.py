"""The printable copy of a questionnaire: blank, the current answers, or a submitted version.

Three steps, each testable on its own:

- ``read_choice`` reads which copy a URL asks for (``?copy=blank``, the current answers by
  default, ``?version=<n>``), refusing anything else with ``CopyNotFound``;
- ``print_domains`` (no database) lays the instrument out with the answers given to it: every
  item with its text (and, on a French or Spanish page, the official English beside the unofficial
  translation), every option with the chosen one marked, the five evidence fields;
- ``print_copy`` reads what a copy shows, for a submission the caller has already been allowed
  to see: the live answers of the draft, or the frozen content of a submitted version (never the
  live answers, which may have changed since).

``pdf_of`` renders the copy's HTML as a PDF with WeasyPrint, imported only when a PDF is asked
for; without it (or without the system's Pango library) it raises ``PdfUnavailable``.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kernel.translation import current_language

from .forms import LABELS
from .instrument_cache import version_items, version_texts
from .models import Answer, Submission, SubmissionVersion
from .services.answers import ANSWER_FIELDS, EVIDENCE_FIELDS, as_text
from .services.evidence import current_files, version_attachments

BLANK, DRAFT, VERSION = "blank", "draft", "version"
INDICATOR = "10.7.2"
STYLESHEET = "questionnaire/print.css"


class CopyNotFound(Exception):
    """The URL asks for a copy that does not exist (an unknown version, a malformed parameter)."""


class PdfUnavailable(Exception):
    """WeasyPrint (or the system library it needs) cannot be loaded on this server."""


@dataclass(frozen=True)
class Choice:
    """Which copy a URL asks for: ``kind`` is blank, draft or version (with its ``number``)."""

    kind: str
    number: int | None = None


def read_choice(params: Mapping[str, str]) -> Choice:
    """The copy named by the query string; ``CopyNotFound`` for anything it cannot mean."""
    copy, version = params.get("copy"), params.get("version")
    if version is not None:
        if copy not in (None, VERSION) or not version.isascii() or not version.isdigit():
            raise CopyNotFound
        number = int(version)
        if number < 1:
            raise CopyNotFound
        return Choice(VERSION, number)
    if copy in (None, "", DRAFT):
        return Choice(DRAFT)
    if copy == BLANK:
        return Choice(BLANK)
    raise CopyNotFound


# --- The items, laid out (no database) -----------------------------------------------------------


@dataclass(frozen=True)
class PrintOption:
    code: str
    label: str
    official_label: str  # the English label, shown beside a translated one
    selected: bool


@dataclass(frozen=True)
class PrintField:
    name: str
    label: str
    value: str
    kind: str  # text, year, link, comment


@dataclass(frozen=True)
class PrintItem:
    code: str
    text: str
    official_text: str  # "" when the page is in English: the text is the official one
    options: list[PrintOption]
    evidence: list[PrintField]
    # An answer the version does not offer (kept as frozen, never shown by its code alone).
    unknown_answer: str = ""
    # The names of the files attached to the item's evidence.
    files: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        return f"item-{self.code}"

    @property
    def answered(self) -> bool:
        return any(option.selected for option in self.options) or bool(self.unknown_answer)


@dataclass(frozen=True)
class PrintDomain:
    number: int
    name: str
    question: str
    official_question: str  # "" on an English page
    items: list[PrintItem]

    @property
    def anchor(self) -> str:
        return f"domain-{self.number}"


_KINDS = {"policy_year": "year", "link": "link", "comment": "comment"}


def print_domains(
    items,
    texts: Mapping,
    answers: Mapping[str, Mapping[str, object]],
    *,
    official_texts: Mapping | None = None,
    files: Mapping[str, list[str]] | None = None,
) -> list[PrintDomain]:
    """The domains with their items, options and evidence, in the order of the instrument.

    ``items`` are the version's cached items (``instrument_cache.version_items``), ``texts`` their
    words in the page's language (``version_texts``), ``answers`` item code to the six fields (an
    item missing or blank is unanswered: the blank copy passes none). ``official_texts`` are the
    English words, given when the page is in another language, to show the official wording too.
    ``files`` maps an item code to the names of the files attached to its evidence.
    """
    files = files or {}
    labels = {name: str(LABELS[name]) for name in EVIDENCE_FIELDS}
    domains: dict[int, PrintDomain] = {}
    for item in items:
        words = texts[item.code]
        official = official_texts[item.code] if official_texts is not None else None
        answer = answers.get(item.code) or {}
        chosen = as_text(answer.get("option_code"))
        offered = {option.code for option in item.options}
        view = PrintItem(
            code=item.code,
            text=words.text,
            official_text=official.text if official else "",
            options=[
                PrintOption(
                    code=option.code,
                    label=words.labels[option.code],
                    official_label=official.labels[option.code] if official else "",
                    selected=option.code == chosen,
                )
                for option in item.options
            ],
            evidence=[
                PrintField(
                    name=name,
                    label=labels[name],
                    value=as_text(answer.get(name)).strip(),
                    kind=_KINDS.get(name, "text"),
                )
                for name in EVIDENCE_FIELDS
            ],
            unknown_answer=_("(an answer not offered)") if chosen and chosen not in offered else "",
            files=tuple(files.get(item.code, ())),
        )
        domain = item.domain
        if domain.number not in domains:
            domains[domain.number] = PrintDomain(
                number=domain.number,
                name=domain.display_name,
                question=domain.display_question,
                official_question=domain.question if official_texts is not None else "",
                items=[],
            )
        domains[domain.number].items.append(view)
    return list(domains.values())


# --- What a copy shows (reads the database) ------------------------------------------------------


@dataclass(frozen=True)
class VersionLink:
    number: int
    submitted_at: datetime.datetime


@dataclass
class PrintCopy:
    """Everything the print of one copy shows, with what its page header and toolbar need."""

    kind: str
    round: object
    country: object
    questionnaire_version: object
    domains: list[PrintDomain]
    general_comment: str = ""
    submission: Submission | None = None
    version: SubmissionVersion | None = None
    # The draft: when it was saved, by whom, at which revision.
    saved_at: datetime.datetime | None = None
    saved_by: str = ""
    revision: int = 0
    # The versions the country submitted, for the toolbar's links.
    versions: list[VersionLink] = field(default_factory=list)
    printed_on: datetime.date | None = None

    @property
    def is_blank(self) -> bool:
        return self.kind == BLANK

    @property
    def is_version(self) -> bool:
        return self.kind == VERSION

    @property
    def is_draft(self) -> bool:
        return self.kind == DRAFT

    @property
    def is_translated(self) -> bool:
        return any(domain.official_question for domain in self.domains)

    @property
    def submitted_by(self) -> str:
        person = self.version.submitted_by if self.version else None
        return (person.get_full_name() or person.username) if person else ""

    @property
    def label(self) -> str:
        """What the copy is, in a few words (the page's title and running header)."""
        if self.kind == BLANK:
            return _("Blank copy")
        if self.kind == VERSION:
            return _("Submitted version %(number)s") % {"number": self.version.number}
        if self.submission is not None and self.submission.state not in (
            Submission.State.DRAFT,
            Submission.State.RETURNED,
        ):
            return _("Current answers")
        return _("Draft")

    def file_name(self) -> str:
        """``10.7.2-2025-KEN-questionnaire-v2-2025-03-14.pdf``: the indicator, the round's
        reference year, the country, the version and the day it was submitted."""
        day = timezone.localtime(self.version.submitted_at).date().isoformat()
        return (
            f"{INDICATOR}-{self.round.reference_year}-{self.country.iso3}-questionnaire"
            f"-v{self.version.number}-{day}.pdf"
        )


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _texts(version) -> tuple[dict, dict | None]:
    """The items' words in the page's language, and the official English ones when the page is in
    another language."""
    texts = version_texts(version)
    if current_language() == "en":
        return texts, None
    with translation.override("en"):
        return texts, version_texts(version)


def _draft_answers(submission: Submission) -> dict[str, dict]:
    return {
        row.pop("item__code"): row
        for row in Answer.objects.filter(submission=submission).values("item__code", *ANSWER_FIELDS)
    }


def _attached_names(kind, submission, version, items) -> dict[str, list[str]]:
    """The names of the files attached to each item: those the version froze, or the draft's."""
    if kind == VERSION:
        return {
            code: [attached["name"] for attached in listed]
            for code, listed in version_attachments(version.content).items()
        }
    if kind == DRAFT:
        codes = {item.pk: item.code for item in items}
        return {
            codes[item_id]: [attached.name for attached in attached_files]
            for item_id, attached_files in current_files(submission).items()
            if item_id in codes
        }
    return {}


def print_copy(*, round, country, submission: Submission | None, choice: Choice) -> PrintCopy:
    """The copy ``choice`` names of the country's questionnaire for the round.

    The caller has checked that the user may see it (``policyindex.access``). ``CopyNotFound``
    when it names a version the submission does not have. The current answers of a questionnaire
    nobody has saved yet are its blank copy."""
    kind = choice.kind
    if kind == DRAFT and submission is None:
        kind = BLANK
    version = None
    if kind == VERSION:
        if submission is None:
            raise CopyNotFound
        version = (
            submission.versions.select_related("questionnaire_version", "submitted_by")
            .filter(number=choice.number)
            .first()
        )
        if version is None:
            raise CopyNotFound
    instrument = version.questionnaire_version if version else round.version
    if kind == BLANK:
        answers, general_comment = {}, ""
    elif kind == VERSION:
        # What was frozen, never the live answers.
        answers = version.answers
        general_comment = version.content.get("general_comment", "")
    else:
        answers, general_comment = _draft_answers(submission), submission.general_comment
    texts, official = _texts(instrument)
    items = version_items(instrument)
    copy = PrintCopy(
        kind=kind,
        round=round,
        country=country,
        questionnaire_version=instrument,
        domains=print_domains(
            items,
            texts,
            answers,
            official_texts=official,
            files=_attached_names(kind, submission, version, items),
        ),
        general_comment=general_comment,
        submission=submission,
        version=version,
        printed_on=timezone.localdate(),
    )
    if submission is not None:
        copy.versions = [
            VersionLink(number, at)
            for number, at in submission.versions.order_by("number").values_list(
                "number", "submitted_at"
            )
        ]
        if kind == DRAFT:
            copy.saved_at = submission.updated_at if submission.revision else None
            copy.saved_by = _person(submission.updated_by)
            copy.revision = submission.revision
    return copy


# --- The PDF -------------------------------------------------------------------------------------


def _offline_fetcher(weasyprint):
    """A URL fetcher that fetches nothing: the PDF's stylesheet is given from disk, and nothing
    in the copy (a link typed as evidence, say) may make the server reach the network."""

    def refuse(url, *args, **kwargs):
        raise ValueError(f"policyindex fetches nothing for a PDF: {url}")

    base = getattr(getattr(weasyprint, "urls", None), "URLFetcher", None)
    if base is None:  # WeasyPrint before the URLFetcher class: any callable will do.
        return refuse

    class Offline(base):
        def fetch(self, url, headers=None):
            refuse(url)

    return Offline()


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        # OSError: WeasyPrint is installed but the system's Pango library is missing.
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def pdf_document(html: str):
    """The rendered pages of ``html`` (a WeasyPrint document: its pages and their boxes can be
    read before the PDF is written), styled by the print stylesheet read from disk."""
    weasyprint = _weasyprint()
    fetcher = _offline_fetcher(weasyprint)
    # From the app's folder; where only the collected files are deployed, from STATIC_ROOT.
    path = finders.find(STYLESHEET) or staticfiles_storage.path(STYLESHEET)
    stylesheet = weasyprint.CSS(filename=str(path), url_fetcher=fetcher)
    return weasyprint.HTML(string=html, url_fetcher=fetcher, media_type="print").render(
        stylesheets=[stylesheet]
    )


def pdf_of(html: str) -> bytes:
    """``html`` as a PDF; ``PdfUnavailable`` when WeasyPrint cannot be loaded here."""
    return pdf_document(html).write_pdf()
