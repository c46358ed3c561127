"""What the offline questionnaire workbook holds, read from the database in the user's language."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone, translation
from django.utils.formats import date_format

from questionnaire.instrument_cache import version_items
from questionnaire.models import Answer
from questionnaire.services.answers import ANSWER_FIELDS
from questionnaire.services.evidence import current_files


@dataclass(frozen=True)
class TemplateItem:
    code: str
    domain: str  # the domain's number and name, in the workbook's language
    text: str  # the item's text in the workbook's language
    official_text: str  # the official English text
    response_set: str
    options: tuple[tuple[str, str], ...]  # (code, label in the workbook's language)


@dataclass(frozen=True)
class TemplateData:
    language: str
    country_name: str
    country_iso3: str
    round_code: str
    round_name: str
    questionnaire_version: str  # code
    questionnaire_version_name: str
    revision: int
    generated_at: datetime
    generated_by: str
    upload_url: str
    items: tuple[TemplateItem, ...]
    # Item code to {field: saved value}; items never saved are absent.
    answers: dict[str, dict] = field(default_factory=dict)
    general_comment: str = ""
    # Item code to the names of the files attached to its evidence (attached on the web page only).
    files: dict[str, list[str]] = field(default_factory=dict)
    saved_at: str = ""  # when the answers were last saved, as the workbook's language writes it

    @property
    def translated(self) -> bool:
        return self.language != "en"


def template_items(version, language: str) -> tuple[TemplateItem, ...]:
    """The version's items as the workbook shows them in ``language``."""
    items = version_items(version)
    with translation.override("en"):
        official = {item.code: item.display_text for item in items}
    with translation.override(language):
        return tuple(
            TemplateItem(
                code=item.code,
                domain=f"{item.domain.number}. {item.domain.display_name}",
                text=item.display_text,
                official_text=official[item.code],
                response_set=str(item.response_set_id),
                options=tuple((o.code, o.display_label) for o in item.options),
            )
            for item in items
        )


def template_data(
    *, round, country, submission, language: str, by, upload_url: str
) -> TemplateData:
    """The workbook's content for a country and round, with the answers saved now pre-filled."""
    answers, general_comment, revision, saved_at, files = {}, "", 0, "", {}
    if submission is not None:
        items_by_pk = {item.pk: item.code for item in version_items(round.version)}
        files = {
            items_by_pk[item_id]: [attached.name for attached in attached_files]
            for item_id, attached_files in current_files(submission).items()
            if item_id in items_by_pk
        }
        answers = {
            items_by_pk[row.pop("item_id")]: row
            for row in Answer.objects.filter(submission=submission).values(
                "item_id", *ANSWER_FIELDS
            )
        }
        general_comment, revision = submission.general_comment, submission.revision
        if revision:
            with translation.override(language):
                saved_at = date_format(timezone.localtime(submission.updated_at), "DATETIME_FORMAT")
    with translation.override(language):
        country_name, round_name = country.display_name, round.display_name
    return TemplateData(
        language=language,
        country_name=country_name,
        country_iso3=country.iso3,
        round_code=round.code,
        round_name=round_name,
        questionnaire_version=round.version.code,
        questionnaire_version_name=round.version.name,
        revision=revision,
        generated_at=timezone.now(),
        generated_by=by.get_full_name() or by.get_username(),
        upload_url=upload_url,
        items=template_items(round.version, language),
        answers=answers,
        general_comment=general_comment,
        files=files,
        saved_at=saved_at,
    )
