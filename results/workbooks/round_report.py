"""The round report: a workbook of a round's aggregates, countries, answers and methodology.

Built in openpyxl's write-only mode: rows are streamed to the file as they are appended, so memory
stays flat in the number of countries and answers. In that mode column widths, frozen panes and the
autofilter must be set on a sheet before its first row, and styles go on each cell.
"""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import get_column_letter

from .cells import (
    CATEGORY_COLOURS,
    CATEGORY_FILLS,
    CATEGORY_FONTS,
    DATE_FORMAT,
    SCORE_FORMAT,
    SHARE_FORMAT,
    category_cell,
    cell_style,
    fitted_width,
    header_cells,
    number,
    repeated_text,
    styled,
    text_cell,
    with_style,
)
from .common import ANSWER_WIDTHS, answer_row, measure_label, methodology_rows
from .data import BREAKDOWNS, RoundReportData

OVERVIEW = "Overview"
COUNTRIES = "Countries"
ANSWERS = "Answers"
METHODOLOGY = "Methodology"
HISTORY = "History"
# The Overview's first share column (K): shares of categories 1-4 in K-N.
SHARE_COLUMN = 11


def build_round_report(data: RoundReportData) -> Workbook:
    """The round report for ``data``; save it with ``workbook.save(file)`` (once: write-only)."""
    workbook = Workbook(write_only=True)
    _overview(workbook, data)
    _countries(workbook, data)
    _answers(workbook, data)
    _methodology(workbook, data)
    if data.events is not None:
        _history(workbook, data)
    return workbook


def _prepare(sheet, headers: list[str], widths: list[float], *, freeze: str, rows: int) -> None:
    """Widths, frozen header and filter: set before the first row, as write-only mode requires."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(rows, 1) + 1}"
    sheet.append(header_cells(sheet, headers))


def _overview(workbook, data: RoundReportData) -> None:
    sheet = workbook.create_sheet(OVERVIEW)
    categories = data.heading.category_labels
    headers = [
        _("Grouping"),
        _("M49"),
        _("Name"),
        _("Measure"),
        _("Countries invited"),
        _("Countries with a result"),
        *[_("Count: %(category)s") % {"category": categories[c]} for c in (1, 2, 3, 4)],
        *[_("Share: %(category)s") % {"category": categories[c]} for c in (1, 2, 3, 4)],
        _("Meeting or fully meeting"),
        _("Share meeting or fully meeting"),
    ]
    measures = [measure_label(data.heading, b) for b in BREAKDOWNS]
    widths = [
        fitted_width([g.kind for g in data.groups], maximum=30),
        6,
        fitted_width([g.name for g in data.groups], maximum=45),
        fitted_width(measures, maximum=45),
        *[fitted_width([h], minimum=10, maximum=18) for h in headers[4:]],
    ]
    _prepare(sheet, headers, widths, freeze="E2", rows=len(data.groups) * len(BREAKDOWNS))
    # Measures first, then groupings: the SDG regions' overall rows sit together for the chart.
    sdg_rows = []
    row_number = 1
    share_style = cell_style(sheet, number_format=SHARE_FORMAT)
    for breakdown, measure in zip(BREAKDOWNS, measures, strict=True):
        for group in data.groups:
            row_number += 1
            counts = group.counts.get(breakdown, (0, 0, 0, 0))
            responding = sum(counts)
            meeting = counts[2] + counts[3]
            shares = [
                with_style(sheet, count / responding, share_style) if responding else None
                for count in counts
            ]
            sheet.append(
                [
                    group.kind,
                    group.code,
                    text_cell(sheet, group.name),
                    measure,
                    group.invited,
                    responding,
                    *counts,
                    *shares,
                    meeting,
                    with_style(sheet, meeting / responding, share_style) if responding else None,
                ]
            )
            if breakdown == "_T" and group.is_sdg_region:
                sdg_rows.append(row_number)
    if sdg_rows:
        _category_chart(sheet, data, first=sdg_rows[0], last=sdg_rows[-1], anchor_column=19)


def _category_chart(sheet, data: RoundReportData, *, first: int, last: int, anchor_column: int):
    """A stacked bar per SDG region: the share of its countries in each category, overall."""
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = _("Countries by overall category, by SDG region")
    chart.y_axis.title = _("Share of the countries with a result")
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.x_axis.scaling.orientation = "maxMin"  # the regions top to bottom, as in the table
    chart.legend.position = "b"
    # The header row is not next to the SDG regions' rows: each series is named by its category.
    for offset, code in enumerate((1, 2, 3, 4)):
        values = Reference(sheet, min_col=SHARE_COLUMN + offset, min_row=first, max_row=last)
        chart.add_data(values, titles_from_data=False)
        series = chart.series[-1]
        series.tx = SeriesLabel(v=data.heading.category_labels[code])
        series.graphicalProperties.solidFill = CATEGORY_COLOURS[code][0]
        series.graphicalProperties.line.solidFill = CATEGORY_COLOURS[code][0]
    chart.set_categories(Reference(sheet, min_col=3, min_row=first, max_row=last))
    chart.height = 4 + 0.8 * (last - first + 1)
    chart.width = 22
    sheet.add_chart(chart, f"{get_column_letter(anchor_column)}2")


def _countries(workbook, data: RoundReportData) -> None:
    sheet = workbook.create_sheet(COUNTRIES)
    labels = data.heading.category_labels
    headers = [
        _("M49"),
        _("ISO3"),
        _("Country"),
        _("SDG region"),
        _("Source"),
        _("Round of the result"),
        _("Overall score"),
        _("Overall category"),
    ]
    for number_ in range(1, 7):
        headers += [
            _("Domain %(number)d score") % {"number": number_},
            _("Domain %(number)d category") % {"number": number_},
        ]
    lines = data.countries
    category_width = fitted_width(labels.values(), minimum=12)
    widths = [
        6,
        6,
        fitted_width([c.name for c in lines], minimum=12, maximum=40),
        fitted_width([c.sdg_region for c in lines], minimum=12, maximum=40),
        fitted_width([c.source for c in lines], minimum=10, maximum=40),
        fitted_width([c.result_round for c in lines], minimum=10, maximum=40),
    ] + [10, category_width] * 7
    _prepare(sheet, headers, widths, freeze="D2", rows=len(lines))
    score_style = cell_style(sheet, number_format=SCORE_FORMAT)
    # A category's cell: its label in its style, the same on every row.
    categories = {
        code: (
            label,
            cell_style(sheet, fill=CATEGORY_FILLS[code], font=CATEGORY_FONTS[code]),
        )
        for code, label in labels.items()
    }
    for line in lines:
        row = [
            line.m49,
            line.iso3,
            text_cell(sheet, line.name),
            text_cell(sheet, line.sdg_region),
            line.source,
            text_cell(sheet, line.result_round),
        ]
        for score in (line.overall, *line.domains):
            row.append(
                None if score.score is None else with_style(sheet, number(score.score), score_style)
            )
            category = categories.get(score.category) if score.category is not None else None
            row.append(None if category is None else with_style(sheet, *category))
        sheet.append(row)


ANSWER_FIELDS = (
    "policy_name",
    "policy_year",
    "link",
    "citation",
    "comment",
)


def answer_headers() -> list[str]:
    return [
        _("ISO3"),
        _("Country"),
        _("Item"),
        _("Item text"),
        _("Answer"),
        _("Answer code"),
        _("Law, policy or strategy"),
        _("Year"),
        _("Link"),
        _("Citation"),
        _("Comment"),
    ]


def _answers(workbook, data: RoundReportData) -> None:
    sheet = workbook.create_sheet(ANSWERS)
    headers = answer_headers()
    without_answers = [c for c in data.countries if not c.has_answers]
    _prepare(
        sheet, headers, ANSWER_WIDTHS, freeze="D2", rows=len(data.answers) + len(without_answers)
    )
    repeated = repeated_text(sheet, {})
    for line in data.answers:
        sheet.append(answer_row(sheet, line, repeated=repeated))
    note = _("No answers: an imported UN result carries categories only.")
    for line in without_answers:
        sheet.append([line.iso3, text_cell(sheet, line.name), None, None, note])


def _methodology(workbook, data: RoundReportData) -> None:
    sheet = workbook.create_sheet(METHODOLOGY)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 8
    notes = []
    if data.countries_limited:
        notes.append(
            _(
                "Before publication this report holds only the countries in your scope; the "
                "aggregates only the groupings all of whose countries you may see."
            )
        )
    for row in methodology_rows(sheet, data.heading, extra_notes=notes):
        sheet.append(row)


def _history(workbook, data: RoundReportData) -> None:
    sheet = workbook.create_sheet(HISTORY)
    for index, width in enumerate([18, 24, 12, 12, 24, 20, 50, 12, 24], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(
        header_cells(
            sheet,
            [
                _("At"),
                _("Action"),
                _("From state"),
                _("To state"),
                _("Country"),
                _("By"),
                _("Reason"),
            ],
        )
    )
    for event in data.events or []:
        sheet.append(
            [
                styled(sheet, event.at, number_format=DATE_FORMAT),
                event.action,
                event.from_state or None,
                event.to_state or None,
                text_cell(sheet, event.country),
                text_cell(sheet, event.by),
                text_cell(sheet, event.reason),
            ]
        )
    sheet.append([])
    sheet.append(
        header_cells(
            sheet,
            [
                _("Score computed at"),
                _("Country"),
                _("Score"),
                _("Category"),
                _("Trigger"),
                _("By"),
                _("Reason"),
                _("Current"),
                _("Methodology version"),
            ],
        )
    )
    labels = data.heading.category_labels
    for record in data.records or []:
        sheet.append(
            [
                styled(sheet, record.at, number_format=DATE_FORMAT),
                text_cell(sheet, f"{record.country} ({record.iso3})"),
                styled(sheet, number(record.score), number_format=SCORE_FORMAT),
                category_cell(sheet, record.category, labels.get(record.category, "")),
                record.trigger,
                text_cell(sheet, record.by),
                text_cell(sheet, record.reason),
                _("yes") if record.current else _("no"),
                record.methodology_version,
            ]
        )
