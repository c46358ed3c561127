"""A country profile: one country's result for a round, its answers and evidence, and how it
compares with the country's previous result.

Small (one country): built in openpyxl's ordinary mode."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .cells import (
    HEADER_FONT,
    SCORE_FORMAT,
    category_cell,
    header_cells,
    number,
    styled,
    text_cell,
)
from .common import ANSWER_WIDTHS, answer_row, measure_label, methodology_rows
from .data import BREAKDOWNS, CountryProfileData, Score
from .round_report import answer_headers

PROFILE = "Profile"
ANSWERS = "Answers"
METHODOLOGY = "Methodology"


def build_country_profile(data: CountryProfileData) -> Workbook:
    workbook = Workbook()
    _profile(workbook.active, data)
    _answers(workbook.create_sheet(ANSWERS), data)
    methodology = workbook.create_sheet(METHODOLOGY)
    methodology.column_dimensions["A"].width = 30
    methodology.column_dimensions["B"].width = 70
    for row in methodology_rows(methodology, data.heading):
        methodology.append(row)
    return workbook


def _profile(sheet, data: CountryProfileData) -> None:
    sheet.title = PROFILE
    heading = data.heading
    labels = heading.category_labels
    for column, width in zip("ABCDEFGH", [44, 12, 26, 12, 26, 26, 12, 26], strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append([styled(sheet, f"{data.country_name} ({data.iso3})", font=HEADER_FONT)])
    sheet.append([_("Round"), text_cell(sheet, heading.round_name)])
    sheet.append([_("M49"), data.m49])
    line = data.country
    if line is None:
        sheet.append([_("Result"), _("No result for this round.")])
        return
    sheet.append([_("Source"), line.source])
    sheet.append([_("Round of the result"), text_cell(sheet, line.result_round)])
    previous = data.previous
    if previous is not None:
        sheet.append([_("Previous result"), text_cell(sheet, previous.round_name)])
    else:
        sheet.append([_("Previous result"), _("No earlier published result to compare with.")])
    sheet.append([])
    headers = [_("Measure"), _("Score"), _("Category")]
    if previous is not None:
        headers += [
            _("Previous score"),
            _("Previous category"),
            _("Change"),
        ]
    sheet.append(header_cells(sheet, headers))
    header_row = sheet.max_row
    sheet.freeze_panes = f"B{header_row + 1}"
    scores = (line.overall, *line.domains)
    previous_scores = (previous.overall, *previous.domains) if previous else (None,) * 7
    for breakdown, score, before in zip(BREAKDOWNS, scores, previous_scores, strict=True):
        row = [
            measure_label(heading, breakdown),
            _score_cell(sheet, score),
            category_cell(sheet, score.category, labels.get(score.category, "")),
        ]
        if previous is not None:
            row += [
                _score_cell(sheet, before),
                category_cell(sheet, before.category, labels.get(before.category, "")),
                _change(score, before),
            ]
        sheet.append(row)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{sheet.max_row}"


def _score_cell(sheet, score: Score | None):
    if score is None or score.score is None:
        return None
    return styled(sheet, number(score.score), number_format=SCORE_FORMAT)


def _change(now: Score, before: Score) -> str:
    if now.category is None or before.category is None:
        return "—"
    if now.category > before.category:
        return _("Higher category")
    if now.category < before.category:
        return _("Lower category")
    return _("Same category")


def _answers(sheet, data: CountryProfileData) -> None:
    headers = answer_headers()
    for index, width in enumerate(ANSWER_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(header_cells(sheet, headers))
    sheet.freeze_panes = "D2"
    for line in data.answers:
        sheet.append(answer_row(sheet, line))
    if not data.answers:
        sheet.append(
            [
                data.iso3,
                text_cell(sheet, data.country_name),
                None,
                None,
                _("No answers: an imported UN result carries categories only.")
                if data.country is not None
                else _("No result for this round."),
            ],
        )
    if data.general_comment:
        sheet.append([])
        sheet.append([_("General comment"), text_cell(sheet, data.general_comment)])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(sheet.max_row, 2)}"
