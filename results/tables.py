"""The rows of the public round page's tables, written as HTML by plain functions.

The page lists every country with its eight categories, and each of its seven charts has a table of
its figures: through the template language each cell costs variable look-ups, a filter and the
localisation of a number, and rendering took as long as building everything the page shows. Here
each row is one string join over values prepared once per page (the category cells, the "result
of" notes), escaped as the template would escape them; the markup is the template's own (``th
scope``, the ``data-sort`` keys and ``cat-N`` classes that results/static/results/charts.js reads).
As in the template, translated wording is trusted and only the values put into it are escaped.
"""

from collections.abc import Iterable, Mapping

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from geography.models import Region
from policyindex.templatetags.localized_numbers import MISSING


def _category_cell(category: int | None, label: str) -> str:
    if category:
        return (
            f'<td class="cat cat-{category}" data-sort="{category}">{escape(label or MISSING)}</td>'
        )
    return f'<td class="cat" data-sort="0">{escape(label or MISSING)}</td>'


def country_rows(rows: Iterable[Mapping]) -> SafeString:
    """The body of the sortable countries table: each country linked to its page (with the year of
    a result carried from an earlier round), its SDG region and one cell per measure, each with the
    sort key the table's script reads."""
    cells: dict[tuple, str] = {}
    notes: dict[int, str] = {}
    html = []
    for row in rows:
        name, region = escape(row["name"]), escape(row["region"])
        carried = row["carried_from"]
        note = ""
        if carried is not None:
            if carried.pk not in notes:
                notes[carried.pk] = (
                    ' <span class="small text-muted">('
                    + _("result of %(year)s") % {"year": escape(carried.reference_year)}
                    + ")</span>"
                )
            note = notes[carried.pk]
        row_cells = []
        for cell in row["cells"]:
            key = (cell["category"], cell["label"])
            if key not in cells:
                cells[key] = _category_cell(*key)
            row_cells.append(cells[key])
        html.append(
            f'<tr><th scope="row" class="fw-normal" data-sort="{name}">'
            f'<a href="{escape(row["url"])}">{name}</a>{note}</th>'
            f'<td data-sort="{region}">{region}</td>{"".join(row_cells)}</tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped


def distribution_rows(regions: Iterable[Mapping]) -> SafeString:
    """The body of a chart's table: per region, the responding countries and each category's count
    (with its share when any country responded)."""
    html = []
    for region in regions:
        responding = region["responding"]
        cells = "".join(
            f'<td class="text-end">{cell["count"]} ({escape(cell["share_text"])})</td>'
            if responding
            else f'<td class="text-end">{cell["count"]}</td>'
            for cell in region["cells"]
        )
        html.append(
            f'<tr><th scope="row" class="fw-normal">{escape(region["name"])}</th>'
            f'<td class="text-end">{responding}</td>{cells}</tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped


def coverage_rows(rows: Iterable[Mapping]) -> SafeString:
    """The body of the coverage table: per region (the world in bold), the countries with a result,
    the countries invited and the share."""
    html = []
    for row in rows:
        region = row["region"]
        opening = '<tr class="fw-semibold">' if region.kind == Region.Kind.WORLD else "<tr>"
        html.append(
            f'{opening}<th scope="row" class="fw-normal">{escape(region.display_name)}</th>'
            f'<td class="text-end">{row["responding"]}</td>'
            f'<td class="text-end">{row["invited"]}</td>'
            f'<td class="text-end">{escape(row["share_text"])}</td></tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped
