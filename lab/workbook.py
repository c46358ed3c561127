"""The comparison of a variant with the official methodology as an Excel workbook: a plain function
from data to workbook. Its first sheet says it is a variant, not official."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook

from results.workbooks.cells import (
    HEADER_FONT,
    SHARE_FORMAT,
    header_cells,
    number,
    styled,
    text_cell,
)

from .comparison import Comparison, Range, Share
from .presentation import category_label


@dataclass(frozen=True)
class ComparisonExport:
    variant_pk: int
    variant_name: str
    variant_reason: str
    created_by: str
    created_at: datetime.datetime
    based_on: str
    comparison: Comparison
    # From lab.presentation.rule_rows.
    rule_rows: list[dict]


def file_name(round_code: str, variant_pk: int, day: datetime.date) -> str:
    return f"10.7.2-{round_code}-variant-{variant_pk}-comparison-{day.isoformat()}.xlsx"


def _share(sheet, share: Share):
    return styled(sheet, number(share.value), number_format=SHARE_FORMAT)


def _range(sheet, value):
    return styled(sheet, number(value), number_format=SHARE_FORMAT)


def build_comparison_workbook(data: ComparisonExport) -> Workbook:
    workbook = Workbook(write_only=True)
    comparison = data.comparison
    _summary(workbook, data)
    _countries(workbook, comparison)
    _transitions(workbook, comparison)
    _aggregates(workbook, comparison)
    _robustness(workbook, comparison)
    return workbook


def _summary(workbook, data: ComparisonExport) -> None:
    sheet = workbook.create_sheet(_("Summary"))
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 36
    sheet.column_dimensions["C"].width = 36
    comparison = data.comparison
    sheet.append([styled(sheet, _("Variant, not official"), font=HEADER_FONT)])
    sheet.append(
        [
            _(
                "These figures apply a variant of the methodology to the answers of the round. "
                "They are not official results and are never published."
            )
        ]
    )
    sheet.append([])
    sheet.append([_("Variant"), text_cell(sheet, data.variant_name)])
    sheet.append([_("Why"), text_cell(sheet, data.variant_reason)])
    sheet.append([_("Created by"), text_cell(sheet, data.created_by)])
    sheet.append([_("Created at"), data.created_at.replace(tzinfo=None)])
    sheet.append([_("Based on the official methodology"), data.based_on])
    sheet.append([_("Round"), text_cell(sheet, comparison.data.round_name)])
    sheet.append([])
    sheet.append(header_cells(sheet, ["", _("Official"), _("Variant")]))
    sheet.append(
        [
            _("Share of responding rescored countries in the aggregate categories"),
            _share(sheet, comparison.official_headline),
            _share(sheet, comparison.variant_headline),
        ]
    )
    sheet.append(
        [
            _("Countries counted"),
            comparison.official_headline.counted,
            comparison.variant_headline.counted,
        ]
    )
    sheet.append([_("Countries rescored"), len(comparison.countries)])
    sheet.append(
        [
            _("Countries not rescored (imported UN category without answers)"),
            len(comparison.data.not_rescored),
        ]
    )
    sheet.append([])
    sheet.append(header_cells(sheet, [_("Rule"), _("Official"), _("Variant"), _("Changed")]))
    for row in data.rule_rows:
        sheet.append(
            [
                f"{row['group']}: {row['label']}",
                row["official"],
                row["value"],
                _("changed") if row["changed"] else "",
            ]
        )


def _countries(workbook, comparison: Comparison) -> None:
    sheet = workbook.create_sheet(_("Countries"))
    sheet.column_dimensions["A"].width = 32
    headers = [_("Country"), _("ISO3"), _("Official score"), _("Variant score")]
    headers += [_("Official overall"), _("Variant overall"), _("Change")]
    for n in range(1, 7):
        headers += [
            _("Domain %(n)s official") % {"n": n},
            _("Domain %(n)s variant") % {"n": n},
        ]
    sheet.append([_("Variant, not official")])
    sheet.append(header_cells(sheet, headers))
    words = {"up": _("up"), "down": _("down"), "": ""}
    for row in comparison.countries:
        cells = [
            text_cell(sheet, row.name),
            row.iso3,
            styled(sheet, number(row.official.score), number_format="0.0"),
            styled(sheet, number(row.variant.score), number_format="0.0"),
            category_label(row.official.overall),
            category_label(row.variant.overall),
            words[row.movement],
        ]
        for before, after in zip(row.official.domains, row.variant.domains, strict=True):
            cells += [category_label(before), category_label(after)]
        sheet.append(cells)


def _transitions(workbook, comparison: Comparison) -> None:
    sheet = workbook.create_sheet(_("Transitions"))
    sheet.column_dimensions["A"].width = 40
    sheet.append([_("Variant, not official")])
    sheet.append([_("Countries by overall category: official (rows) and variant (columns)")])
    sheet.append(header_cells(sheet, ["", *(category_label(c) for c in (1, 2, 3, 4))]))
    for index, counts in enumerate(comparison.transitions):
        sheet.append([styled(sheet, category_label(index + 1), font=HEADER_FONT), *counts])


def _aggregates(workbook, comparison: Comparison) -> None:
    sheet = workbook.create_sheet(_("Aggregates"))
    sheet.column_dimensions["A"].width = 40
    sheet.append([_("Variant, not official")])
    headers = [_("Region"), _("M49"), _("Responding rescored countries")]
    headers += [_("Official: %(c)s") % {"c": category_label(c)} for c in (1, 2, 3, 4)]
    headers += [_("Variant: %(c)s") % {"c": category_label(c)} for c in (1, 2, 3, 4)]
    headers += [_("Official share"), _("Variant share")]
    sheet.append(header_cells(sheet, headers))
    for row in comparison.aggregates:
        sheet.append(
            [
                text_cell(sheet, row.region.name),
                row.region.m49,
                row.official.responding,
                *row.official_counts,
                *row.variant_counts,
                _share(sheet, row.official),
                _share(sheet, row.variant),
            ]
        )


def _robustness(workbook, comparison: Comparison) -> None:
    sheet = workbook.create_sheet(_("Robustness"))
    sheet.column_dimensions["A"].width = 40
    robustness = comparison.robustness
    sheet.append([_("Variant, not official")])
    sheet.append(
        [
            _(
                "Each of the 30 items left out of its domain in turn, under the variant: the "
                "range of the shares over the runs."
            )
        ]
    )
    sheet.append(header_cells(sheet, ["", _("Runs"), _("Lowest share"), _("Highest share")]))

    def line(label: str, value: Range):
        return [label, value.runs, _range(sheet, value.low), _range(sheet, value.high)]

    sheet.append(line(_("Headline"), robustness.headline))
    for region, value in robustness.regions:
        sheet.append(line(text_cell(sheet, region.name), value))
    sheet.append([])
    sheet.append(header_cells(sheet, [_("Item left out"), _("Headline share")]))
    for item, share in robustness.headline_by_item.items():
        sheet.append([item, _range(sheet, share)])
